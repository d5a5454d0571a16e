// Chart redraw, in one page: the same series drawn by Feedboard's chart code (decimation and
// plotters on a canvas, as the page draws a chart) and by uPlot, on canvases of the same size.
// Sets window.benchResult when done.
import init, { OurChart } from './pkg/feedboard_bench.js';

const WIDTH = 1200;
const HEIGHT = 300;
const DRAWS = 30;
const SIZES = [1e3, 1e4, 1e5, 1e6];
const STREAM_POINTS = 3600;
const STREAM_SECONDS = 5;
const progress = (text) => { document.getElementById('progress').textContent = text; };
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

function series(n, seed = 3) {
  let a = seed;
  const random = () => { a = (a * 1103515245 + 12345) % 2147483648; return a / 2147483648; };
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  let value = 20;
  const start = Date.UTC(2026, 10, 23, 12);
  for (let i = 0; i < n; i++) {
    times[i] = start + i * 1000;
    value += random() - 0.5;
    values[i] = value;
  }
  return { times, values };
}

function ourChart() {
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  document.getElementById('charts').append(canvas);
  return canvas;
}

function uplotChart(times, values) {
  const holder = document.createElement('div');
  document.getElementById('charts').append(holder);
  const opts = {
    width: WIDTH, height: HEIGHT, pxRatio: 1,
    legend: { show: false }, cursor: { show: false },
    scales: { x: { time: true } },
    series: [{}, { stroke: '#0f766e', width: 1 }],
  };
  return new uPlot(opts, [Array.from(times, (t) => t / 1000), Array.from(values)], holder);
}

// Reading a pixel waits until the canvas has really drawn.
const finish = (canvas) => canvas.getContext('2d').getImageData(0, 0, 1, 1);

async function redraws() {
  const rows = [];
  for (const n of SIZES) {
    progress(`redraw of ${n} points`);
    const { times, values } = series(n);
    const from = times[0];
    const to = times[n - 1];
    const canvas = ourChart();
    const ours = new OurChart(canvas, n);
    ours.push_all(times, values);
    const u = uplotChart(times, values);
    const data = [Array.from(times, (t) => t / 1000), Array.from(values)];
    const oursMs = [];
    const peerMs = [];
    let drawn = 0;
    ours.draw(from, to);
    // Each draw is the first canvas work after a frame, as a chart's redraw on a dashboard is:
    // that one pays the browser's per-frame cost of the canvases (about 0.2 ms here), which a
    // draw right after another does not. Drawing both charts in one frame would charge it to
    // whichever went first.
    for (let i = 0; i < DRAWS; i++) {
      await nextFrame();
      let start = performance.now();
      drawn = ours.draw(from, to);
      finish(canvas);
      oursMs.push(performance.now() - start);
      await nextFrame();
      start = performance.now();
      u.batch(() => u.setData(data));
      finish(u.ctx.canvas);
      peerMs.push(performance.now() - start);
    }
    rows.push({ n, ours: median(oursMs), peer: median(peerMs), drawn });
    ours.free();
    u.destroy();
    canvas.remove();
  }
  return rows;
}

// A chart of the last 3 600 points that gets a new point every frame for a few seconds:
// the share of the time spent updating it.
async function stream(kind) {
  progress(`streaming ${kind}`);
  const { times, values } = series(STREAM_POINTS + 60 * STREAM_SECONDS * 2, 9);
  let next = STREAM_POINTS;
  let work = 0;
  let frames = 0;
  const canvas = ourChart();
  const ours = kind === 'feedboard' ? new OurChart(canvas, STREAM_POINTS) : null;
  let u = null;
  let xs, ys;
  if (ours) {
    ours.push_all(times.subarray(0, STREAM_POINTS), values.subarray(0, STREAM_POINTS));
  } else {
    xs = Array.from(times.subarray(0, STREAM_POINTS), (t) => t / 1000);
    ys = Array.from(values.subarray(0, STREAM_POINTS));
    u = uplotChart(times.subarray(0, STREAM_POINTS), values.subarray(0, STREAM_POINTS));
  }
  const started = performance.now();
  while (performance.now() - started < STREAM_SECONDS * 1000 && next < times.length) {
    await nextFrame();
    const start = performance.now();
    if (ours) {
      ours.push(times[next], values[next]);
      ours.draw(times[next - STREAM_POINTS + 1], times[next]);
    } else {
      xs.shift(); ys.shift();
      xs.push(times[next] / 1000); ys.push(values[next]);
      u.batch(() => u.setData([xs, ys]));
    }
    work += performance.now() - start;
    next++;
    frames++;
  }
  const elapsed = performance.now() - started;
  ours?.free();
  u?.destroy();
  canvas.remove();
  return { frames, fps: frames / (elapsed / 1000), share: work / elapsed, perFrame: work / frames };
}

await init();
const redrawRows = await redraws();
const streamOurs = await stream('feedboard');
const streamPeer = await stream('uPlot');
window.benchResult = { redraw: redrawRows, stream: { ours: streamOurs, peer: streamPeer }, isolated: self.crossOriginIsolated };
progress('done');
