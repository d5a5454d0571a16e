import mqtt from 'mqtt';
import { Browser, serve, sleep } from '/work/main/benches/js/webdriver.mjs';
const [n, topics] = (process.env.CASE ?? '20000x10').split('x').map(Number);
const server = await serve('/tmp/prof-ours');
const browser = await Browser.start({ width: 1400, height: 1000 });
await browser.open(server.url + '/');
await browser.waitFor("return document.querySelector('#connection-status')?.textContent === 'Connected' ? true : null", 30);
const client = await mqtt.connectAsync('mqtt://127.0.0.1:18941');
await browser.run(`window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask' });`);
if (process.env.WARM) { for (let i = 0; i < topics; i++) client.publish(`burst/q/t${i}`, '1'); await sleep(3000); }
const t0 = await browser.run('return performance.now()');
for (let i = 0; i < n; i++) client.publish(`burst/q/t${i % topics}`, String(i));
await client.endAsync();
await browser.waitFor(`return Number(document.querySelector('#log-total')?.textContent ?? 0) >= ${n + (process.env.WARM ? topics : 0)} ? true : null`, 60);
await sleep(500);
console.log('t0', Math.round(t0), JSON.stringify(await browser.run('return window.__long')));
await browser.quit(); server.stop();
