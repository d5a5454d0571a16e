// Where the main thread's time goes while Feedboard's page takes a burst: the DevTools CPU
// profiler (through chromedriver) samples every 200 µs from the first publish until the last
// message is counted, and the functions with the most time of their own are printed (wasm
// functions by their Rust names: benches/profile builds without wasm-opt's name stripping).
// Usage: node benches/js/profile.mjs PAGE_DIR BROKER_TCP_PORT [N] [TOPICS]
import mqtt from 'mqtt';
import { Browser, serve, sleep } from './webdriver.mjs';

const [dir, tcpPort, nText = '20000', topicsText = '1000'] = process.argv.slice(2);
const [n, topics] = [Number(nText), Number(topicsText)];
const server = await serve(dir);
const browser = await Browser.start({ width: 1400, height: 1000 });
try {
  await browser.open(`${server.url}/`);
  await browser.waitFor("return document.querySelector('#connection-status')?.textContent === 'Connected' ? true : null", 30);
  await sleep(500);
  await browser.cdp('Profiler.enable');
  await browser.cdp('Profiler.setSamplingInterval', { interval: 200 });
  await browser.cdp('Profiler.start');
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${tcpPort}`, { clientId: `profile-${Date.now()}` });
  for (let i = 0; i < n; i++) client.publish(`burst/profile/t${i % topics}`, String(i));
  await client.endAsync();
  await browser.waitFor(`return Number(document.querySelector('#log-total')?.textContent ?? 0) >= ${n} ? true : null`, 120);
  await sleep(300);
  const { profile } = await browser.cdp('Profiler.stop');
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const own = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id).callFrame;
    const name = frame.functionName || `(${frame.url.split('/').pop()}:${frame.lineNumber})`;
    const us = profile.timeDeltas[i] ?? 0;
    own.set(name, (own.get(name) ?? 0) + us);
    total += us;
  });
  console.log(`profile: ${n} messages over ${topics} topics, ${(total / 1000).toFixed(0)} ms sampled; own time by function:`);
  for (const [name, us] of [...own].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`${(us / 1000).toFixed(1).padStart(9)} ms  ${name.slice(0, 150)}`);
  }
} finally {
  await browser.quit();
  server.stop();
}
