// History and kept data in the release page (see benches/history).
// Usage: node benches/js/history.mjs ADAFRUIT_WS BROKER_WS BROKER_TCP_PORT OURS_DIR
import mqtt from 'mqtt';
import { Browser, ENGINES, serve, sleep } from './webdriver.mjs';

const [adafruitWs, brokerWs, tcpPort, oursDir] = process.argv.slice(2);
const FEEDS = 10;
const RATE = Number(process.env.HISTORY_RATE ?? 1000);
const SECONDS = Number(process.env.HISTORY_SECONDS ?? 20);

/** The profile book a returning user has: Adafruit IO (key remembered), ten day-wide charts. */
function book() {
  const cards = Array.from({ length: FEEDS }, (_, n) => ({
    id: n + 1, kind: 'chart', feeds: [`aio:bench-history/feed-${n}`], window: '24h',
  }));
  return JSON.stringify({
    feedboard: 'profiles', version: 1, active: 'bench',
    profiles: [{
      id: 'bench', name: 'Bench', service: 'adafruit-io', url: adafruitWs, client_id: 'bench-client',
      username: 'bench-history', remember_secret: true, secret: 'bench-key', plan: 'free', margin: 0.1,
      clean_session: true, channels: [], subscriptions: [],
      dashboards: [{ feedboard: 'dashboard', version: 1, name: 'Main', cards,
        placed: cards.map((c) => c.feeds[0]), automatic_left: 0, rules: [] }],
      active_dashboard: 0,
    }],
  });
}

// Installed in the page: notes when the page is connected, when every chart's legend has a value
// (history merged: nothing is published live) and when every chart drew after that.
const OBSERVE = `
  const record = window.__historyBench = {};
  const step = () => {
    const now = performance.now();
    if (!record.connected && document.querySelector('#connection-status')?.textContent === 'Connected') record.connected = now;
    const charts = [...document.querySelectorAll("article[data-card-kind='chart']")];
    const legends = charts.filter((c) => (c.querySelector('.legend-value')?.textContent ?? '') !== '');
    if (!record.legends && charts.length === ${FEEDS} && legends.length === ${FEEDS}) {
      record.legends = now;
      record.drawsAtLegends = charts.map((c) => Number(c.querySelector('canvas')?.dataset.draws ?? 0));
    }
    if (record.legends && !record.drawn) {
      const draws = charts.map((c) => Number(c.querySelector('canvas')?.dataset.draws ?? 0));
      if (draws.every((d, i) => d > record.drawsAtLegends[i])) record.drawn = now;
    }
    if (!record.drawn || !record.connected) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);`;

async function connectToCharts(engine) {
  const server = await serve(oursDir);
  const browser = await Browser.start({ width: 1400, height: 1600, engine });
  try {
    await browser.open(server.url + '/');
    await browser.run('localStorage.clear(); localStorage.setItem("feedboard.profiles", arguments[0]);', book());
    await browser.run("return new Promise((r) => { const d = indexedDB.deleteDatabase('feedboard'); d.onsuccess = d.onerror = d.onblocked = () => r(true); })");
    // Load again as the returning user; the observer goes in as soon as the document exists.
    await browser.open(server.url + '/');
    await browser.run(OBSERVE);
    const record = await browser.waitFor('return window.__historyBench?.drawn && window.__historyBench?.connected ? window.__historyBench : null', 120);
    const reads = await browser.run("return performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v2/')).length");
    return { ...record, reads };
  } finally {
    await browser.quit();
    server.stop();
  }
}

const RESTORE_FEEDS = 50;
const RESTORE_POINTS = 10_000;

/** Fills the database with RESTORE_FEEDS feeds of RESTORE_POINTS points each under the page's
 * connection (records in the page's own format), reloads, and times the read back. */
async function restoreTime(browser, server) {
  const written = await browser.run(`return new Promise((resolve) => {
    const open = indexedDB.open('feedboard');
    open.onsuccess = () => {
      const db = open.result;
      const keys = db.transaction('series-chunks').objectStore('series-chunks').getAllKeys();
      keys.onsuccess = () => {
        const connection = keys.result[0][0];
        const tx = db.transaction('series-chunks', 'readwrite');
        const store = tx.objectStore('series-chunks');
        const now = Date.now();
        let points = 0;
        for (let feed = 0; feed < ${RESTORE_FEEDS}; feed++) {
          for (let chunk = 0; chunk * 1024 < ${RESTORE_POINTS}; chunk++) {
            const count = Math.min(1024, ${RESTORE_POINTS} - chunk * 1024);
            const buffer = new ArrayBuffer(8 + count * 16 + 8);
            const view = new DataView(buffer);
            [70, 66, 75, 49].forEach((b, i) => view.setUint8(i, b));
            view.setUint32(4, count, true);
            for (let i = 0; i < count; i++) {
              const n = chunk * 1024 + i;
              view.setFloat64(8 + i * 16, now - (${RESTORE_POINTS} - n) * 1000, true);
              view.setFloat64(16 + i * 16, Math.sin(n / 100), true);
            }
            store.put(new Uint8Array(buffer), [connection, 'topic:bench/restore/' + feed, chunk]);
            points += count;
          }
        }
        tx.oncomplete = () => { db.close(); resolve(points); };
        tx.onerror = () => { db.close(); resolve(0); };
      };
    };
    open.onerror = () => resolve(0);
  })`);
  await browser.open(server.url + '/');
  const restored = await browser.waitFor(`
    const text = document.querySelector('#kept-data-status')?.textContent ?? '';
    return text.startsWith('Restored') ? { text, at: performance.now() } : null;`, 60);
  return { written, ...restored };
}

async function keepCost(engine) {
  const server = await serve(oursDir);
  const browser = await Browser.start({ width: 1400, height: 1000, engine });
  const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${tcpPort}`, { clientId: 'bench-keeper' });
  try {
    await browser.open(server.url + '/');
    await browser.run("localStorage.clear(); return new Promise((r) => { const d = indexedDB.deleteDatabase('feedboard'); d.onsuccess = d.onerror = d.onblocked = () => r(true); })");
    await browser.open(server.url + '/');
    await browser.waitFor("return document.querySelector('#connection-status')?.textContent === 'Connected' ? true : null", 30);
    const before = await browser.run('return navigator.storage.estimate().then((e) => e.usage)');
    await browser.run(`
      window.__keep = { ms: 0, writes: 0 };
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          if (entry.name === 'feedboard:keep') { window.__keep.ms += entry.duration; window.__keep.writes += 1; }
        }
      }).observe({ type: 'measure' });`);
    const started = Date.now();
    let sent = 0;
    const total = RATE * SECONDS;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * RATE));
      for (; sent < due; sent++) publisher.publish(`bench/keep/${sent % FEEDS}`, String(sent % 977), { qos: 0 });
      await sleep(2);
    }
    const elapsedMs = Date.now() - started;
    await sleep(2500);
    const keep = await browser.run('return window.__keep');
    const after = await browser.run('return navigator.storage.estimate().then((e) => e.usage)');
    // What the records themselves hold (the estimate above also counts the database's own
    // files, which grow with every rewrite of a chunk until the browser compacts them).
    const recordBytes = await browser.run(`return new Promise((resolve) => {
      const open = indexedDB.open('feedboard');
      open.onsuccess = () => {
        const all = open.result.transaction('series-chunks').objectStore('series-chunks').getAll();
        all.onsuccess = () => { resolve(all.result.reduce((sum, bytes) => sum + bytes.byteLength, 0)); open.result.close(); };
        all.onerror = () => resolve(0);
      };
      open.onerror = () => resolve(0);
    })`);
    const restore = await restoreTime(browser, server);
    return { ...keep, elapsedMs, sent, storedBytes: after - before, recordBytes, restore };
  } finally {
    await publisher.endAsync();
    await browser.quit();
    server.stop();
  }
}

for (const engine of ENGINES) {
  const charts = await connectToCharts(engine);
  // History is read over HTTP from the moment the connection starts, so the charts may be
  // drawn before the MQTT connection is up.
  console.log(`history (${engine}): ${FEEDS} day-wide charts drawn ${Math.round(charts.drawn)} ms after navigation (MQTT connection up at ${Math.round(charts.connected)} ms; ${charts.reads} HTTP reads)`);
  const keep = await keepCost(engine);
  const share = (100 * keep.ms) / keep.elapsedMs;
  const perPoint = keep.storedBytes / keep.sent;
  const recordPerPoint = keep.recordBytes / keep.sent;
  console.log(`history (${engine}): keeping ${keep.sent} messages at ${RATE}/s on ${FEEDS} topics: ${keep.ms.toFixed(0)} ms of main thread in ${keep.elapsedMs} ms = ${share.toFixed(2)} % (target <= 5 %; ${keep.writes} measured steps)`);
  console.log(`history (${engine}): read back ${keep.restore.written} kept points (${RESTORE_FEEDS} feeds × ${RESTORE_POINTS}) ${Math.round(keep.restore.at)} ms after navigation: "${keep.restore.text}"`);
  console.log(`history (${engine}): ${recordPerPoint.toFixed(1)} bytes a point in the kept records, ${perPoint.toFixed(0)} bytes a point in the browser's storage estimate (database files before compaction)`);
}
