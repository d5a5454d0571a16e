// The peer of Feedboard's page for the ingest, burst and bundle benchmarks: what a web developer would
// write with MQTT.js and uPlot, doing the same work as Feedboard: every message on the
// subscription goes into a bounded ring per topic (time received, number), a chart per topic
// shows its last five minutes, and charts redraw at most once per animation frame, only when
// their topic changed. ?broker=ws://…&topic=bench/%23
(() => {
  const CAPACITY = 100000;
  const WINDOW_MS = 5 * 60 * 1000;
  const query = new URLSearchParams(location.search);
  const broker = query.get('broker') || 'ws://localhost:9001/mqtt';
  const filter = query.get('topic') || '#';
  const feeds = new Map();
  const dirty = new Set();
  window.peerReceived = 0;

  function feed(topic) {
    let f = feeds.get(topic);
    if (!f) {
      const holder = document.createElement('section');
      const title = document.createElement('h2');
      title.textContent = topic;
      holder.append(title);
      document.getElementById('charts').append(holder);
      const chart = new uPlot({
        width: 600, height: 240, legend: { show: false },
        scales: { x: { time: true } },
        series: [{}, { stroke: '#0f766e', width: 1 }],
      }, [[], []], holder);
      f = { times: new Float64Array(CAPACITY), values: new Float64Array(CAPACITY), head: 0, count: 0, chart };
      feeds.set(topic, f);
    }
    return f;
  }

  function record(topic, payload) {
    window.peerReceived += 1;
    const f = feed(topic);
    const at = f.head;
    f.times[at] = Date.now();
    f.values[at] = parseFloat(payload);
    f.head = (at + 1) % CAPACITY;
    f.count = Math.min(f.count + 1, CAPACITY);
    dirty.add(topic);
  }

  // The ring in time order, from `from` on.
  function window_(f, from) {
    const xs = [];
    const ys = [];
    const first = (f.head - f.count + CAPACITY) % CAPACITY;
    for (let i = 0; i < f.count; i++) {
      const at = (first + i) % CAPACITY;
      if (f.times[at] >= from) {
        xs.push(f.times[at] / 1000);
        ys.push(f.values[at]);
      }
    }
    return [xs, ys];
  }

  function draw() {
    const from = Date.now() - WINDOW_MS;
    for (const topic of dirty) {
      const f = feeds.get(topic);
      f.chart.setData(window_(f, from));
    }
    dirty.clear();
    requestAnimationFrame(draw);
  }

  // For the benchmark driver: a topic's history as (time received, value) pairs.
  window.peerHistory = (topic) => {
    const f = feeds.get(topic);
    if (!f) return { times: [], values: [] };
    const first = (f.head - f.count + CAPACITY) % CAPACITY;
    const times = [];
    const values = [];
    for (let i = 0; i < f.count; i++) {
      const at = (first + i) % CAPACITY;
      times.push(f.times[at]);
      values.push(f.values[at]);
    }
    return { times, values };
  };

  addEventListener('DOMContentLoaded', () => {
    const client = mqtt.connect(broker, { clientId: 'peer-' + Math.random().toString(16).slice(2, 10) });
    client.on('connect', () => {
      document.getElementById('status').textContent = 'Connected';
      client.subscribe(filter);
    });
    client.on('close', () => { document.getElementById('status').textContent = 'Disconnected'; });
    client.on('message', (topic, payload) => record(topic, payload.toString()));
    requestAnimationFrame(draw);
  });
})();
