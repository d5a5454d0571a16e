// A second MQTT broker implementation for the browser tests: aedes 1.x (Node.js), with a TCP
// listener (for mosquitto_pub / mosquitto_sub fixtures) and a WebSocket listener (for the page).
// Brokers differ in how they split packets into WebSocket messages, in keepalive and takeover
// handling and in what they refuse; every other test talks to mosquitto.
// Usage: node dev/aedes/broker.mjs TCP_PORT WS_PORT   (installed by dev/setup into .dev-tools/)
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const tools = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", ".dev-tools");
const require = createRequire(path.join(tools, "package.json"));
const { Aedes } = await import(require.resolve("aedes"));
const { createServer } = require("aedes-server-factory");

const [tcpPort, wsPort] = process.argv.slice(2).map(Number);
if (!tcpPort || !wsPort) {
  console.error("usage: broker.mjs TCP_PORT WS_PORT");
  process.exit(2);
}
const broker = await Aedes.createBroker();
createServer(broker).listen(tcpPort, "127.0.0.1");
createServer(broker, { ws: true }).listen(wsPort, "127.0.0.1");
console.log(`aedes: TCP 127.0.0.1:${tcpPort}, WebSocket ws://127.0.0.1:${wsPort}/mqtt`);
