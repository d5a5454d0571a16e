// Bursts: N messages over T topics published as fast as the broker takes them, while a page
// in a headless browser receives them over WebSocket — Feedboard's release page, then the
// MQTT.js + uPlot page doing the same work (benches/web/peer.js). For each page: long tasks
// during the burst (count, total, longest; Chromium only), event-loop lag (a 10 ms timer's
// lateness) p95 and max, time from the first publish until the last message is counted and a
// frame has been drawn after it, messages lost, and (Chromium) main-thread time per message:
// in a second burst of its own (the profiler's sampling would disturb the other figures), the
// DevTools profiler samples the page every millisecond from the first publish until the last
// message is on screen, and every sample that is not idle counts (script, WebAssembly, the
// browser's own work for the page: socket events, style, layout, paint, garbage collection);
// the samples in scripts (the page's JavaScript and WebAssembly) are also given on their own.
// Prints a line per case and page, then a summary per engine.
// Usage: node benches/js/burst.mjs BROKER_WS_URL BROKER_TCP_PORT OURS_DIR PEER_DIR
import mqtt from 'mqtt';
import { Browser, ENGINES, serve, sleep } from './webdriver.mjs';
import { percentile } from './stats.mjs';

const [wsUrl, tcpPort, oursDir, peerDir] = process.argv.slice(2);
const CASES = (process.env.BURST_CASES ?? '20000x10,20000x1000,100000x10,100000x1000')
  .split(',').map((c) => c.split('x').map(Number)).map(([n, topics]) => ({ n, topics }));

const PAGES = {
  feedboard: {
    dir: oursDir,
    path: '/',
    ready: "return document.querySelector('#connection-status')?.textContent === 'Connected' ? true : null",
    received: "Number(document.querySelector('#log-total')?.textContent ?? 0)",
  },
  'MQTT.js + uPlot': {
    dir: peerDir,
    path: `/peer.html?broker=${encodeURIComponent(wsUrl)}&topic=${encodeURIComponent('burst/#')}`,
    ready: "return document.querySelector('#status')?.textContent === 'Connected' ? true : null",
    received: 'window.peerReceived',
  },
};


/** Publishes `n` numbered messages over `topics` topics under `prefix` as fast as it can. */
async function burst(prefix, n, topics) {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${tcpPort}`, { clientId: `burst-${Date.now()}` });
  for (let i = 0; i < n; i++) client.publish(`${prefix}/t${i % topics}`, String(i), { qos: 0 });
  await client.endAsync();
}

async function measure(name, engine, run, { n, topics }, profiling = false) {
  const page = PAGES[name];
  const server = await serve(page.dir);
  const browser = await Browser.start({ width: 1400, height: 1000, engine });
  try {
    await browser.open(server.url + page.path);
    await browser.waitFor(page.ready, 30);
    // The probes: long tasks, a 10 ms timer's lateness, and the first frame after all arrived.
    await browser.run(`
      const target = arguments[0];
      window.__long = [];
      window.__longSupported = (PerformanceObserver.supportedEntryTypes || []).includes('longtask');
      if (window.__longSupported) new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push([e.startTime, e.duration]); })
        .observe({ type: 'longtask' });
      window.__lag = [];
      let last = performance.now();
      setInterval(() => { const now = performance.now(); window.__lag.push([now, Math.max(0, now - last - 10)]); last = now; }, 10);
      window.__done = null;
      (function frame() {
        if (window.__done === null && (${page.received}) >= target) window.__done = performance.now();
        requestAnimationFrame(frame);
      })();`, n);
    await sleep(500);
    if (profiling) {
      await browser.cdp('Profiler.enable');
      await browser.cdp('Profiler.setSamplingInterval', { interval: 1000 });
      await browser.cdp('Profiler.start');
    }
    const start = await browser.run('return performance.now()');
    const prefix = `burst/${run}/${engine}/${name === 'feedboard' ? 'ours' : 'peer'}-${n}x${topics}${profiling ? '-profiled' : ''}`;
    await burst(prefix, n, topics);
    // Until everything arrived, or the count stops growing for 5 s.
    let received = 0;
    let still = 0;
    for (let i = 0; i < 600 && still < 25; i++) {
      await sleep(200);
      const [count, done] = await browser.run(`return [${page.received}, window.__done]`);
      if (done !== null) break;
      still = count === received ? still + 1 : 0;
      received = count;
    }
    const result = await browser.run(`
      const start = arguments[0];
      const end = window.__done ?? performance.now();
      const long = window.__long.filter(([s]) => s >= start && s <= end).map(([, d]) => d);
      const lag = window.__lag.filter(([t]) => t >= start && t <= end).map(([, l]) => l).sort((a, b) => a - b);
      return { done: window.__done, received: ${page.received}, long, longSupported: window.__longSupported, lag };`, start);
    const long = result.long;
    let busy = { busy: NaN, script: NaN, gc: NaN };
    if (profiling) {
      const { profile } = await browser.cdp('Profiler.stop');
      busy = busyUntil(profile, result.done === null ? Infinity : result.done - start);
    }
    return {
      busyUsPerMessage: busy.busy / n,
      scriptUsPerMessage: busy.script / n,
      gcUsPerMessage: busy.gc / n,
      received: result.received,
      lost: n - result.received,
      onScreenMs: result.done === null ? NaN : result.done - start,
      longTasks: result.longSupported ? long.length : NaN,
      longTotal: long.reduce((a, b) => a + b, 0),
      longest: long.reduce((a, b) => Math.max(a, b), 0),
      lagP95: percentile(result.lag, 0.95),
      lagMax: result.lag.at(-1) ?? NaN,
    };
  } finally {
    await browser.quit();
    server.stop();
  }
}

/** Microseconds of a CPU profile that were not idle, from its start until `untilMs` later,
 * and of them the samples in scripts (JavaScript and WebAssembly, with the DOM calls they make)
 * and in garbage collection; the rest is the browser's own work ("(program)": socket events,
 * style, layout, paint). */
function busyUntil(profile, untilMs) {
  const kind = new Map(profile.nodes.map((node) => {
    const name = node.callFrame.functionName;
    if (name === '(idle)') return [node.id, 'idle'];
    if (name === '(program)' || name === '(root)') return [node.id, 'browser'];
    if (name === '(garbage collector)') return [node.id, 'gc'];
    return [node.id, 'script'];
  }));
  let at = 0;
  const us = { busy: 0, script: 0, gc: 0 };
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const k = kind.get(id);
    if (at > untilMs * 1000 || k === 'idle') return;
    us.busy += delta;
    if (k === 'script' || k === 'gc') us[k] += delta;
  });
  return us;
}

const run = Date.now().toString(36);
const fmt = (x, digits = 0) => (Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
for (const engine of ENGINES) {
  const summary = [];
  for (const c of CASES) {
    const row = {};
    for (const name of Object.keys(PAGES)) {
      const r = await measure(name, engine, run, c);
      if (engine === 'chromium') {
        const profiled = await measure(name, engine, run, c, true);
        Object.assign(r, { busyUsPerMessage: profiled.busyUsPerMessage, scriptUsPerMessage: profiled.scriptUsPerMessage, gcUsPerMessage: profiled.gcUsPerMessage });
      }
      row[name] = r;
      const long = Number.isNaN(r.longTasks) ? 'long tasks n/a' : `${r.longTasks} long tasks (${fmt(r.longTotal)} ms, longest ${fmt(r.longest)} ms)`;
      console.log(`  ${engine.padEnd(8)} ${String(c.n).padStart(6)} msgs × ${String(c.topics).padStart(4)} topics  ${name.padEnd(15)} last on screen after ${fmt(r.onScreenMs)} ms, lost ${r.lost}, ${long}, event-loop lag p95 ${fmt(r.lagP95, 1)} ms max ${fmt(r.lagMax)} ms, main thread ${fmt(r.busyUsPerMessage, 1)} µs a message (scripts ${fmt(r.scriptUsPerMessage, 1)}, garbage collection ${fmt(r.gcUsPerMessage, 1)})`);
    }
    const ours = row.feedboard;
    const peer = row['MQTT.js + uPlot'];
    summary.push(`${c.n}×${c.topics}: on screen ${fmt(ours.onScreenMs)} vs ${fmt(peer.onScreenMs)} ms (${fmt(ours.onScreenMs / peer.onScreenMs, 2)}), lag p95 ${fmt(ours.lagP95, 1)} vs ${fmt(peer.lagP95, 1)} ms, longest task ${fmt(ours.longest)} vs ${fmt(peer.longest)} ms, main thread ${fmt(ours.busyUsPerMessage, 1)} vs ${fmt(peer.busyUsPerMessage, 1)} µs a message (in scripts ${fmt(ours.scriptUsPerMessage, 1)} vs ${fmt(peer.scriptUsPerMessage, 1)}), lost ${ours.lost} vs ${peer.lost}`);
  }
  console.log(`burst (${engine}, ${process.env.BURST_BROKER ?? 'mosquitto'}): ${summary.join('; ')}`);
}
