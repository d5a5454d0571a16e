// Runs benches/web/redraw.html in each engine (BENCH_ENGINES, default "chromium firefox"),
// one after the other in the same run, and prints its figures.
// Usage: node benches/js/redraw.mjs SITE_DIR
import { Browser, ENGINES, serve } from './webdriver.mjs';

const site = process.argv[2];
const server = await serve(site, { isolated: true });
try {
  for (const engine of ENGINES) {
    const browser = await Browser.start({ width: 1400, height: 900, engine });
    try {
      await browser.open(`${server.url}/redraw.html`);
      const result = await browser.waitFor('return window.benchResult ?? null', 600);
      const ratios = [];
      for (const row of result.redraw) {
        const ratio = row.ours / row.peer;
        ratios.push(`${row.n.toExponential(0).replace('+', '')} ${ratio.toFixed(2)}`);
        console.log(`  ${engine.padEnd(8)} ${String(row.n).padStart(7)} points: feedboard ${row.ours.toFixed(2)} ms (${row.drawn} points after decimation), uPlot ${row.peer.toFixed(2)} ms, ours/peer ${ratio.toFixed(2)}`);
      }
      const { ours, peer } = result.stream;
      const line = (name, s) => `  ${engine.padEnd(8)} streaming 3 600 points, ${name}: ${s.frames} frames at ${s.fps.toFixed(0)} fps, ${s.perFrame.toFixed(2)} ms a frame, ${(s.share * 100).toFixed(1)} % of the time`;
      console.log(line('feedboard', ours));
      console.log(line('uPlot', peer));
      console.log(`redraw (${engine}): 1200×300 canvas, median of 30 draws each in its own frame${result.isolated ? '' : ' (page not cross-origin isolated: coarse timer)'}, ours/peer by points: ${ratios.join(', ')}; streaming 3 600 points at 60 fps: CPU share ${(ours.share * 100).toFixed(1)} % vs ${(peer.share * 100).toFixed(1)} %, ours/peer ${(ours.share / peer.share).toFixed(2)}`);
    } finally {
      await browser.quit();
    }
  }
} finally {
  server.stop();
}
