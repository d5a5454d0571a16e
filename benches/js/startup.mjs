// Start-up: from navigation until the page is usable, in headless Chromium with the CPU slowed
// 4× (a mid-range phone), served on this machine and then over a phone's network (Lighthouse's
// mobile profile: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip), each from a cold browser.
// Files are served gzip-compressed, as a static host would. "Usable": the page's main element is
// in the document (ours: the connection form's heading; the peer's: its status line, after its
// scripts ran) and the main thread has then drawn a frame and run a zero-delay timer.
// Usage: node benches/js/startup.mjs OURS_DIST PEER_DIR [RUNS=5]
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Browser } from './webdriver.mjs';

const [oursDir, peerDir, runsText = '5'] = process.argv.slice(2);
const RUNS = Number(runsText);
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

function gzipServer(dir) {
  const cache = new Map();
  const server = createServer((request, response) => {
    let path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(dir, path));
    try {
      if (!file.startsWith(normalize(dir)) || !statSync(file).isFile()) throw new Error('not a file');
      if (!cache.has(file)) cache.set(file, gzipSync(readFileSync(file), { level: 9 }));
      response.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Encoding': 'gzip',
        'Cache-Control': 'no-store',
      });
      response.end(cache.get(file));
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => server.close(),
  })));
}

const probe = (selector) => `(() => {
  const found = () => {
    if (!document.querySelector(${JSON.stringify(selector)})) return false;
    const mounted = performance.now();
    requestAnimationFrame(() => setTimeout(() => {
      window.__startup = { mounted, usable: performance.now() };
    }, 0));
    return true;
  };
  new MutationObserver((_, observer) => { if (found()) observer.disconnect(); })
    .observe(document, { childList: true, subtree: true });
})();`;

const PHONE_NETWORK = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };

async function startup(url, selector, network) {
  const browser = await Browser.start({ width: 412, height: 900 });
  try {
    await browser.cdp('Emulation.setCPUThrottlingRate', { rate: 4 });
    await browser.cdp('Page.enable');
    await browser.cdp('Page.addScriptToEvaluateOnNewDocument', { source: probe(selector) });
    if (network) {
      await browser.cdp('Network.enable');
      await browser.cdp('Network.emulateNetworkConditions', network);
    }
    await browser.open(url);
    return await browser.waitFor('return window.__startup ?? null', 120);
  } finally {
    await browser.quit();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const [ours, peer] = await Promise.all([gzipServer(oursDir), gzipServer(peerDir)]);
const pages = [
  ['feedboard', `${ours.url}/`, '#connection-heading'],
  ['MQTT.js + uPlot', `${peer.url}/peer.html?broker=ws://127.0.0.1:9/mqtt`, '#status'],
];
const results = {};
try {
  for (const [label, network] of [['4× CPU', null], ['4× CPU, phone network', PHONE_NETWORK]]) {
    for (const [name, url, selector] of pages) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await startup(url, selector, network));
      const usable = median(runs.map((r) => r.usable));
      const mounted = median(runs.map((r) => r.mounted));
      results[`${label}|${name}`] = usable;
      console.log(`  ${label.padEnd(22)} ${name.padEnd(16)} usable ${usable.toFixed(0).padStart(5)} ms (element at ${mounted.toFixed(0)} ms; median of ${RUNS}, runs: ${runs.map((r) => r.usable.toFixed(0)).join(' ')})`);
    }
  }
} finally {
  ours.stop();
  peer.stop();
}
const line = (label) => {
  const a = results[`${label}|feedboard`];
  const b = results[`${label}|MQTT.js + uPlot`];
  return `${label} ${a.toFixed(0)} vs ${b.toFixed(0)} ms (ours/peer ${(a / b).toFixed(2)})`;
};
console.log(`startup (chromium): usable after ${line('4× CPU')}; ${line('4× CPU, phone network')}`);
