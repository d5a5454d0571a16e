# Shared helpers for dev/serve and dev/test. Source it; it defines functions only.
# Everything a script starts is recorded in $RUN_DIR and stopped by stop_started (by pid).

FEEDBOARD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN_DIR="$FEEDBOARD_ROOT/.dev-run"
# Tools dev/setup installs from npm (wasm-opt); first on PATH so trunk finds them.
DEV_TOOLS="$FEEDBOARD_ROOT/.dev-tools"
WASM_OPT_VERSION=132 # = [tools] wasm_opt in Trunk.toml
export PATH="$DEV_TOOLS/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
STARTED_PIDS=()

# Whether the standard library's source (rustup's rust-src component) is installed:
# dev/build-release rebuilds the library from it, dev/setup fetches what that build needs.
has_rust_src() { [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; }

log() { printf '\033[1m== %s\033[0m\n' "$*"; }

# A TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  local port
  for _ in $(seq 1 50); do
    # Below the kernel's range for outgoing connections (32768 and up): a port from that range
    # may be taken by a client's connection (the CLI ticker opens one five times a second)
    # between this check and the listener's bind, and the broker would then fail to start.
    port=$(shuf -i 20000-32000 -n 1)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

# Waits until something accepts connections on 127.0.0.1:$1 (at most $2 seconds).
wait_for_port() {
  local port=$1 seconds=${2:-10}
  for _ in $(seq 1 $((seconds * 10))); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing is listening on port $port after ${seconds}s" >&2
  return 1
}

# start_broker TCP_PORT WS_PORT NAME [CONFIG_LINE...]: runs mosquitto in the background with
# dev/mosquitto.conf, plus the given configuration lines.
start_broker() {
  local tcp=$1 ws=$2 name=$3
  shift 3
  mkdir -p "$RUN_DIR"
  local conf="$RUN_DIR/$name.conf"
  sed -e "s/@TCP_PORT@/$tcp/" -e "s/@WS_PORT@/$ws/" "$FEEDBOARD_ROOT/dev/mosquitto.conf" > "$conf"
  # Further arguments are extra configuration lines (global options).
  [ $# -eq 0 ] || printf '%s\n' "$@" >> "$conf"
  mosquitto -c "$conf" > "$RUN_DIR/$name.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$RUN_DIR/$name.pid"
  STARTED_PIDS+=("$pid")
  if ! wait_for_port "$tcp" 10 || ! wait_for_port "$ws" 10; then
    echo "mosquitto did not start; its log:" >&2
    cat "$RUN_DIR/$name.log" >&2
    return 1
  fi
}

# start_background NAME COMMAND...: runs a helper process and remembers its pid.
start_background() {
  local name=$1
  shift
  mkdir -p "$RUN_DIR"
  "$@" > "$RUN_DIR/$name.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$RUN_DIR/$name.pid"
  STARTED_PIDS+=("$pid")
}

# start_group NAME COMMAND...: like start_background, in a process group of its own, so that
# stopping it also stops what it started (broker-control's mosquitto).
start_group() {
  local name=$1
  shift
  mkdir -p "$RUN_DIR"
  setsid "$@" > "$RUN_DIR/$name.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$RUN_DIR/$name.pid"
  STARTED_PIDS+=("-$pid")
}

# Stops everything this script started, by pid (a negative pid is a whole process group).
stop_started() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    kill -- "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    wait "${pid#-}" 2>/dev/null || true
  done
  STARTED_PIDS=()
}
