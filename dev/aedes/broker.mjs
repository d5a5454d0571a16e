// A second MQTT broker implementation for the browser tests: aedes 1.x (Node.js), with a TCP
// listener (for mosquitto_pub / mosquitto_sub fixtures) and a WebSocket listener (for the page).
// Brokers differ in how they split packets into WebSocket messages, in keepalive and takeover
// handling and in what they refuse; every other test talks to mosquitto.
// Usage: node dev/aedes/broker.mjs TCP_PORT WS_PORT [TOPIC:RATE]...
// TOPIC:RATE publishes a counter on TOPIC at RATE messages a second from inside the broker, as
// the simulator's --ticker does on mosquitto (a steady stream from outside the page).
// aedes and aedes-server-factory are installed by dev/setup into .dev-tools/.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const tools = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", ".dev-tools");
const require = createRequire(path.join(tools, "package.json"));
const { Aedes } = await import(require.resolve("aedes"));
const { createServer } = require("aedes-server-factory");

const [tcpPort, wsPort] = process.argv.slice(2, 4).map(Number);
const tickers = process.argv.slice(4).map((spec) => {
  const at = spec.lastIndexOf(":");
  return { topic: spec.slice(0, at), rate: Number(spec.slice(at + 1)) };
});
if (!tcpPort || !wsPort) {
  console.error("usage: broker.mjs TCP_PORT WS_PORT");
  process.exit(2);
}
const broker = await Aedes.createBroker();
createServer(broker).listen(tcpPort, "127.0.0.1");
createServer(broker, { ws: true }).listen(wsPort, "127.0.0.1");
console.log(`aedes: TCP 127.0.0.1:${tcpPort}, WebSocket ws://127.0.0.1:${wsPort}/mqtt`);

for (const { topic, rate } of tickers) {
  // In 10 ms slices, so the stream is even rather than one burst a second.
  let sent = 0;
  const started = Date.now();
  setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      broker.publish({ cmd: "publish", topic, payload: Buffer.from(String(sent)), qos: 0, retain: false }, () => {});
    }
  }, 10);
}
