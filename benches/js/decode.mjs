// Decode benchmark, in Node: a seeded corpus of 1 000 000 frames through Feedboard's decoding
// path (compiled to wasm, as the page runs it) and through mqtt-packet (what MQTT.js uses), in
// the same process, in the same 4 KB pieces; both fold the same fields of every packet into a
// checksum, which must agree. Then 100 000 random frames through both, counting refusals,
// exceptions and traps.
// Usage: node benches/js/decode.mjs PKG_DIR [FRAMES]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqttPacket from 'mqtt-packet';
import { trafficCorpus, randomFrames } from './corpus.mjs';
import { fold } from './checksum.mjs';

const pkg = process.argv[2];
const frames = Number(process.argv[3] ?? 1_000_000);
const ours = await import(join(pkg, 'feedboard_bench.js'));
ours.initSync({ module: readFileSync(join(pkg, 'feedboard_bench_bg.wasm')) });

const CHUNK = 4096;
const RUNS = 7;
const corpus = trafficCorpus(frames);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function decodeOurs() {
  const tally = ours.decode_stream(corpus, CHUNK);
  const result = { packets: tally.packets, errors: tally.errors, checksum: tally.checksum };
  tally.free();
  return result;
}

function decodePeer() {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const result = { packets: 0, errors: 0, checksum: 0 };
  parser.on('packet', (packet) => {
    result.packets++;
    result.checksum = fold(result.checksum, packet);
  });
  parser.on('error', () => result.errors++);
  for (let at = 0; at < corpus.length; at += CHUNK) parser.parse(corpus.subarray(at, at + CHUNK));
  return result;
}

function time(work) {
  const start = process.hrtime.bigint();
  const result = work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

// Warm both up, then alternate so that neither always runs on a cooler machine.
decodeOurs();
decodePeer();
const oursMs = [], peerMs = [];
let oursResult, peerResult;
for (let run = 0; run < RUNS; run++) {
  const a = time(decodeOurs);
  const b = time(decodePeer);
  oursMs.push(a.ms);
  peerMs.push(b.ms);
  oursResult = a.result;
  peerResult = b.result;
}
const hex = (n) => '0x' + n.toString(16).padStart(8, '0');
const agree = oursResult.checksum === peerResult.checksum && oursResult.packets === peerResult.packets;
const mb = (corpus.length / 1048576).toFixed(1);
const rate = (ms) => ((frames / ms) * 1000 / 1e6).toFixed(2);
console.log(`  feedboard:   ${oursResult.packets} packets, ${oursResult.errors} refused, checksum ${hex(oursResult.checksum)}, median ${median(oursMs).toFixed(1)} ms (${rate(median(oursMs))} M frames/s) [${oursMs.map((m) => m.toFixed(0)).join(' ')}]`);
console.log(`  mqtt-packet: ${peerResult.packets} packets, ${peerResult.errors} refused, checksum ${hex(peerResult.checksum)}, median ${median(peerMs).toFixed(1)} ms (${rate(median(peerMs))} M frames/s) [${peerMs.map((m) => m.toFixed(0)).join(' ')}]`);

// Random frames, each received on its own.
const randoms = randomFrames(100_000);
const ourCount = { packets: 0, refused: 0, incomplete: 0, traps: 0 };
const peerCount = { packets: 0, refused: 0, incomplete: 0, throws: 0 };
for (const bytes of randoms) {
  try {
    const outcome = ours.decode_one(bytes);
    if (outcome === 0) ourCount.packets++;
    else if (outcome === 1) ourCount.refused++;
    else ourCount.incomplete++;
  } catch {
    ourCount.traps++;
  }
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let outcome = 'incomplete';
  parser.on('packet', () => { outcome = 'packets'; });
  parser.on('error', () => { outcome = 'refused'; });
  try {
    parser.parse(bytes);
    peerCount[outcome]++;
  } catch {
    peerCount.throws++;
  }
}
console.log(`  random frames, feedboard:   ${ourCount.packets} decoded, ${ourCount.refused} refused, ${ourCount.incomplete} incomplete, ${ourCount.traps} traps`);
console.log(`  random frames, mqtt-packet: ${peerCount.packets} decoded, ${peerCount.refused} refused, ${peerCount.incomplete} incomplete, ${peerCount.throws} throws`);
console.log(`decode: ${frames} frames (${mb} MB) in ${CHUNK} B pieces: feedboard ${median(oursMs).toFixed(0)} ms, mqtt-packet ${median(peerMs).toFixed(0)} ms, ours/peer ${(median(oursMs) / median(peerMs)).toFixed(2)} (median of ${RUNS}; checksums ${agree ? 'agree' : 'DIFFER'}); 100 000 random frames: ${ourCount.traps} traps vs ${peerCount.throws} throws`);
if (!agree) process.exit(1);
