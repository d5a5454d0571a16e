// End-to-end ingest: a publisher steps the rate up on a real mosquitto, and a page in headless
// Chromium receives over WebSocket — Feedboard's release page, then a page doing the same
// work with MQTT.js + uPlot (benches/web/peer.js). Each message carries its send time, so the
// page's record of it (time received, value) gives the latency. Prints a line per step and
// page, then the summary with the knee (highest rate with < 1 % loss and p99 < 250 ms).
// Usage: node benches/js/ingest.mjs BROKER_WS_URL BROKER_TCP_PORT OURS_DIR PEER_DIR
import mqtt from 'mqtt';
import { Browser, ENGINES, rendererMemoryMb, serve, sleep } from './webdriver.mjs';
import { percentile } from './stats.mjs';

const [wsUrl, tcpPort, oursDir, peerDir] = process.argv.slice(2);
const RATES = (process.env.INGEST_RATES ?? '500,1000,2000,5000,10000,20000').split(',').map(Number);
const STEP_SECONDS = Number(process.env.INGEST_STEP_SECONDS ?? 4);
const KNEE = { loss: 0.01, p99: 250 };

const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${tcpPort}`, { clientId: 'bench-publisher' });

/** Publishes to `topic` at `rate` messages a second for the step; returns how many were sent. */
async function publishStep(topic, rate) {
  const started = Date.now();
  let sent = 0;
  const total = Math.round(rate * STEP_SECONDS);
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate));
    for (; sent < due; sent++) publisher.publish(topic, String(Date.now()), { qos: 0 });
    await sleep(2);
  }
  return { sent, seconds: (Date.now() - started) / 1000 };
}


const PAGES = {
  feedboard: {
    dir: oursDir,
    path: '/',
    ready: "return document.querySelector('#connection-status')?.textContent === 'Connected' ? true : null",
    // The page's own CSV export of the feed (time received, value), caught on its way to a download.
    prepare: `
      window.__downloads = [];
      const blobs = new Map();
      const original = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (blob) => { const url = original(blob); blobs.set(url, blob); return url; };
      HTMLAnchorElement.prototype.click = function () { if (this.download) window.__downloads.push(blobs.get(this.href)); };`,
    history: async (browser, topic) => {
      const button = `tr[data-feed='topic:${topic}'] button[aria-label^='Export']`;
      const text = await browser.run(`
        const button = document.querySelector(arguments[0]);
        if (!button) return '';
        const before = window.__downloads.length;
        button.click();
        return window.__downloads.length > before ? window.__downloads.at(-1).text() : '';`, button);
      const times = [];
      const values = [];
      for (const line of text.split('\r\n').slice(1)) {
        if (!line) continue;
        const [time, value] = line.split(',');
        times.push(Date.parse(time));
        values.push(Number(value));
      }
      return { times, values };
    },
  },
  'MQTT.js + uPlot': {
    dir: peerDir,
    path: `/peer.html?broker=${encodeURIComponent(wsUrl)}&topic=${encodeURIComponent('bench/#')}`,
    ready: "return document.querySelector('#status')?.textContent === 'Connected' ? true : null",
    prepare: '',
    history: (browser, topic) => browser.run('return window.peerHistory(arguments[0])', topic),
  },
};

async function measure(name, run, engine) {
  const page = PAGES[name];
  const server = await serve(page.dir);
  const browser = await Browser.start({ width: 1400, height: 1000, engine });
  const steps = [];
  try {
    await browser.open(server.url + page.path);
    await browser.waitFor(page.ready, 30);
    await browser.run(`${page.prepare}
      window.__frames = 0;
      (function frame() { window.__frames++; requestAnimationFrame(frame); })();
      window.__long = [];
      window.__longSupported = (PerformanceObserver.supportedEntryTypes || []).includes('longtask');
      if (window.__longSupported) new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push([e.startTime, e.duration]); })
        .observe({ type: 'longtask' });`);
    await sleep(1000);
    for (const rate of RATES) {
      const topic = `bench/${run}/${engine}/${name === 'feedboard' ? 'ours' : 'peer'}/rate-${rate}`;
      const [stepStart, framesBefore] = await browser.run('return [performance.now(), window.__frames]');
      const { sent, seconds } = await publishStep(topic, rate);
      const fps = ((await browser.run('return window.__frames')) - framesBefore) / seconds;
      // Let what is still on its way arrive: until the count stops growing.
      let last = -1;
      for (let i = 0; i < 40; i++) {
        await sleep(500);
        const { times } = await page.history(browser, topic);
        if (times.length === last) break;
        last = times.length;
      }
      const stepEnd = await browser.run('return performance.now()');
      const { times, values } = await page.history(browser, topic);
      const latencies = times.map((t, i) => t - values[i]).sort((a, b) => a - b);
      const longSupported = await browser.run('return window.__longSupported');
      const long = await browser.run('return window.__long.filter(([s]) => s >= arguments[0] && s <= arguments[1]).map(([, d]) => d)', stepStart, stepEnd);
      const heap = await browser.cdp('Runtime.getHeapUsage');
      const memory = rendererMemoryMb(browser);
      steps.push({
        rate, sent, received: times.length, perSecond: times.length / seconds,
        loss: 1 - times.length / sent,
        p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99),
        longTasks: longSupported ? long.length : NaN, longMs: long.reduce((a, b) => a + b, 0),
        heapMb: heap ? heap.usedSize / 1048576 : NaN, memoryMb: memory, fps,
      });
      const s = steps.at(-1);
      console.log(`  ${engine.padEnd(8)} ${name.padEnd(15)} ${String(rate).padStart(6)} msg/s: sent ${s.sent}, received ${s.received} (${s.perSecond.toFixed(0)}/s), loss ${(s.loss * 100).toFixed(2)} %, latency p50 ${s.p50.toFixed(0)} ms p99 ${s.p99.toFixed(0)} ms, ${Number.isNaN(s.longTasks) ? 'long tasks n/a' : `${s.longTasks} long tasks (${s.longMs.toFixed(0)} ms)`}, ${s.fps.toFixed(0)} fps, JS heap ${Number.isNaN(s.heapMb) ? 'n/a' : `${s.heapMb.toFixed(1)} MB`}, page memory ${s.memoryMb.toFixed(0)} MB`);
    }
  } finally {
    await browser.quit();
    server.stop();
  }
  return steps;
}

const knee = (steps) => steps.filter((s) => s.loss < KNEE.loss && s.p99 < KNEE.p99).reduce((best, s) => Math.max(best, s.rate), 0);
const run = Date.now().toString(36);
for (const engine of ENGINES) {
  const ours = await measure('feedboard', run, engine);
  const peer = await measure('MQTT.js + uPlot', run, engine);
  const oursKnee = knee(ours);
  const peerKnee = knee(peer);
  const top = (steps) => steps.at(-1);
  // A knee at the top step means the page kept up with every step: it is at least that.
  const kneeText = (k) => `${k === RATES.at(-1) ? '≥ ' : ''}${k}`;
  console.log(`ingest (${engine}): knee (loss < 1 %, p99 < 250 ms) feedboard ${kneeText(oursKnee)} msg/s, MQTT.js + uPlot ${kneeText(peerKnee)} msg/s, ours/peer ${(oursKnee / Math.max(peerKnee, 1)).toFixed(2)}; at ${top(ours).rate} msg/s: p99 ${top(ours).p99.toFixed(0)} vs ${top(peer).p99.toFixed(0)} ms, loss ${(top(ours).loss * 100).toFixed(1)} vs ${(top(peer).loss * 100).toFixed(1)} %, page memory ${top(ours).memoryMb.toFixed(0)} vs ${top(peer).memoryMb.toFixed(0)} MB (ours/peer ${(top(ours).memoryMb / top(peer).memoryMb).toFixed(2)})`);
}
await publisher.endAsync();
