# Shared by the benchmark scripts (benches/decode, ingest, redraw, bundle). Source it; it
# defines functions only. Everything is built and served from $BENCH_OUT (.dev-run/bench/).
source "$(dirname "${BASH_SOURCE[0]}")/../dev/lib.sh"
BENCH_DIR="$FEEDBOARD_ROOT/benches"
BENCH_OUT="$RUN_DIR/bench"

# The development tools (dev/setup) and the peers from npm, as benches/package-lock.json pins them.
bench_peers() {
  "$FEEDBOARD_ROOT/dev/setup" > /dev/null
  mkdir -p "$BENCH_OUT"
  if ! cmp -s "$BENCH_DIR/package-lock.json" "$BENCH_DIR/node_modules/.installed-lock.json" 2>/dev/null; then
    log "installing the peers from npm (mqtt, mqtt-packet, uplot)"
    (cd "$BENCH_DIR" && npm ci --silent --no-audit --no-fund && cp package-lock.json node_modules/.installed-lock.json)
  fi
}

# bench_peers, and Feedboard's code exported for the benchmarks (benches/wasm) built the
# release way (opt-level "z", LTO, wasm-bindgen, wasm-opt -Oz) into $BENCH_OUT/pkg.
bench_setup() {
  bench_peers
  mkdir -p "$BENCH_OUT/pkg"
  (cd "$FEEDBOARD_ROOT" && cargo build --quiet --release --target wasm32-unknown-unknown -p feedboard-bench)
  wasm-bindgen --target web --out-dir "$BENCH_OUT/pkg" \
    "$FEEDBOARD_ROOT/target/wasm32-unknown-unknown/release/feedboard_bench.wasm"
  wasm-opt -Oz "$BENCH_OUT/pkg/feedboard_bench_bg.wasm" -o "$BENCH_OUT/pkg/feedboard_bench_bg.wasm"
}

# bench_release DIR: Feedboard's release build into DIR (FEEDBOARD_* build settings pass through).
bench_release() {
  ("$FEEDBOARD_ROOT/dev/build-release" --dist "$1" > "$BENCH_OUT/trunk.log" 2>&1) ||
    { cat "$BENCH_OUT/trunk.log" >&2; return 1; }
}

# bench_peer_site DIR: the MQTT.js + uPlot page (benches/web/peer.*) with its libraries, in DIR.
bench_peer_site() {
  rm -rf "$1" && mkdir -p "$1"
  cp "$BENCH_DIR"/web/peer.html "$BENCH_DIR"/web/peer.js "$BENCH_DIR"/node_modules/mqtt/dist/mqtt.min.js \
    "$BENCH_DIR"/node_modules/uplot/dist/uPlot.iife.min.js "$BENCH_DIR"/node_modules/uplot/dist/uPlot.min.css "$1/"
}
