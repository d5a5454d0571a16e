// Just enough WebDriver to run a page in a headless browser and read results back: Debian's
// Chromium through chromedriver, or Firefox ESR through geckodriver (`engine` in Browser.start);
// a driver on a free port, one session, navigate, run scripts, quit.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GECKODRIVER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.dev-tools', 'bin', 'geckodriver');

/** The engines a benchmark runs in, one after the other in the same run (BENCH_ENGINES). */
export const ENGINES = (process.env.BENCH_ENGINES ?? 'chromium firefox').split(/[ ,]+/).filter(Boolean);

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Browser {
  static async start({ width = 1280, height = 900, args = [], engine = 'chromium' } = {}) {
    const port = await freePort();
    const command = engine === 'firefox' ? GECKODRIVER : 'chromedriver';
    const driver = spawn(command, [`--port=${port}`], { stdio: 'ignore' });
    const browser = new Browser(driver, `http://127.0.0.1:${port}`, mkdtempSync(join(tmpdir(), 'feedboard-bench-')));
    browser.engine = engine;
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(`${browser.api}/status`);
        break;
      } catch {
        await sleep(100);
      }
    }
    const capabilities = engine === 'firefox'
      ? { 'moz:firefoxOptions': {
          args: ['-headless', `-width=${width}`, `-height=${height}`],
          // As Chromium's flags below: a page in the background is not slowed down.
          prefs: { 'dom.min_background_timeout_value': 4, 'dom.timeout.enable_budget_timer_throttling': false,
            // performance.now() to the microsecond, as in Chromium, not rounded to 1 ms.
            'privacy.reduceTimerPrecision': false },
        } }
      : { 'goog:chromeOptions': {
          binary: '/usr/bin/chromium',
          args: ['headless', 'no-sandbox', 'disable-gpu', 'disable-quic', 'no-first-run',
            'disable-background-networking', 'disable-component-update', 'disable-sync',
            'disable-background-timer-throttling', 'disable-renderer-backgrounding',
            'enable-precise-memory-info', `window-size=${width},${height}`, `user-data-dir=${browser.profile}`, ...args],
        } };
    const session = await browser.call('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    browser.session = session.sessionId;
    return browser;
  }

  constructor(driver, api, profile) {
    this.driver = driver;
    this.api = api;
    this.profile = profile;
  }

  async call(method, path, body) {
    const response = await fetch(this.api + path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (json.value && json.value.error) throw new Error(`${json.value.error}: ${json.value.message}`);
    return json.value;
  }

  open(url) {
    return this.call('POST', `/session/${this.session}/url`, { url });
  }

  run(script, ...args) {
    return this.call('POST', `/session/${this.session}/execute/sync`, { script, args });
  }

  /** Chrome DevTools Protocol command through chromedriver; `null` in Firefox. */
  cdp(cmd, params = {}) {
    if (this.engine === 'firefox') return Promise.resolve(null);
    return this.call('POST', `/session/${this.session}/goog/cdp/execute`, { cmd, params });
  }

  /** Polls `script` until it returns something other than null (at most `seconds`). */
  async waitFor(script, seconds = 60) {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      const value = await this.run(script).catch(() => null);
      if (value !== null && value !== undefined) return value;
      await sleep(200);
    }
    throw new Error(`gave up waiting for: ${script}`);
  }

  async quit() {
    await this.call('DELETE', `/session/${this.session}`).catch(() => {});
    this.driver.kill();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** Serves `dir` over HTTP on a free port (python3's http.server, as dev/check-static does). */
export async function serve(dir, { isolated = false } = {}) {
  const port = await freePort();
  const server = isolated
    ? spawn('python3', ['-c', ISOLATED_SERVER, String(port), dir], { stdio: 'ignore' })
    : spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      break;
    } catch {
      await sleep(100);
    }
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => server.kill() };
}

// python's static server, with the two headers that make the page cross-origin isolated: there
// `performance.now()` counts in 5 µs steps in Chromium instead of 100 µs, which is the whole
// size of a small chart's redraw.
const ISOLATED_SERVER = `
import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header('Cross-Origin-Opener-Policy', 'same-origin')
        self.send_header('Cross-Origin-Embedder-Policy', 'require-corp')
        super().end_headers()
    def log_message(self, *args):
        pass
handler = functools.partial(Handler, directory=sys.argv[2])
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), handler).serve_forever()
`;

/** Proportional set size (MB) of the biggest renderer process this browser runs (Chromium's
 * renderers, Firefox's content processes): the page's whole memory — JS heap, WebAssembly
 * memory, DOM, canvases — as the operating system sees it. */
export function rendererMemoryMb(browser) {
  const parents = new Map();
  const commands = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      commands.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
    } catch {
      // gone meanwhile
    }
  }
  const descends = (pid) => {
    for (let p = pid; p > 1; p = parents.get(p) ?? 0) if (p === browser.driver.pid) return true;
    return false;
  };
  let biggest = 0;
  for (const [pid, command] of commands) {
    const renderer = browser.engine === 'firefox'
      ? command.includes('-contentproc')
      : command.includes('--type=renderer') && !command.includes('--extension-process');
    if (!renderer || !descends(pid)) continue;
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const pss = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
      biggest = Math.max(biggest, pss / 1024);
    } catch {
      // gone meanwhile
    }
  }
  return biggest;
}
