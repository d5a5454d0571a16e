// Bundle size: every file Feedboard's dist/ serves against what the MQTT.js + uPlot page
// serves (mqtt.min.js, uPlot, and the minimal app doing the same work: benches/web/peer.*),
// each compressed as a static host would (gzip -9, brotli 11).
// Usage: node benches/js/bundle.mjs OURS_DIST PEER_DIR
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function sizes(dir, only = () => true) {
  const rows = files(dir).filter((path) => only(relative(dir, path))).map((path) => {
    const data = readFileSync(path);
    return {
      name: relative(dir, path),
      raw: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  return { rows, total };
}

const [oursDir, peerDir] = process.argv.slice(2);
const ours = sizes(oursDir);
const oursCode = sizes(oursDir, (name) => !name.startsWith('icons/'));
const peer = sizes(peerDir);
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + ' KB';
for (const [title, set] of [['feedboard', ours], ['MQTT.js + uPlot', peer]]) {
  for (const r of set.rows.sort((a, b) => b.raw - a.raw)) {
    console.log(`  ${title.padEnd(15)} ${r.name.padEnd(42)} ${kb(r.raw)} raw ${kb(r.gzip)} gzip ${kb(r.brotli)} brotli`);
  }
  console.log(`  ${title.padEnd(15)} ${'all'.padEnd(42)} ${kb(set.total.raw)} raw ${kb(set.total.gzip)} gzip ${kb(set.total.brotli)} brotli`);
}
const ratio = (a, b) => (a / b).toFixed(2);
console.log(`bundle: everything served, gzip ${(ours.total.gzip / 1024).toFixed(0)} KB vs ${(peer.total.gzip / 1024).toFixed(0)} KB (ours/peer ${ratio(ours.total.gzip, peer.total.gzip)}), brotli ${(ours.total.brotli / 1024).toFixed(0)} KB vs ${(peer.total.brotli / 1024).toFixed(0)} KB (ours/peer ${ratio(ours.total.brotli, peer.total.brotli)}); without the install icons: gzip ours/peer ${ratio(oursCode.total.gzip, peer.total.gzip)}, brotli ${ratio(oursCode.total.brotli, peer.total.brotli)}`);
