// Feedboard's service worker: keeps the app shell (the page, its script, its WebAssembly, its
// styles and icons) so the dashboard opens without a network; it reconnects to the broker by
// itself once it can. Pages are fetched from the network first (a new release shows at once)
// and from the cache when offline; the build's files have hashed names and never change, so
// they are served from the cache first.
const CACHE = "feedboard-shell";

// The same-origin files index.html loads: link hrefs, script srcs, and the loader's imports.
function filesOf(html, base) {
  const found = new Set();
  for (const match of html.matchAll(/(?:href|src)="([^"]+)"|'([^']+\.(?:js|wasm))'/g)) {
    const url = new URL(match[1] || match[2], base);
    if (url.origin === self.location.origin) found.add(url.href);
  }
  return found;
}

async function keepShell() {
  const cache = await caches.open(CACHE);
  const page = new URL("./", self.registration.scope).href;
  const response = await fetch(page, { cache: "no-cache" });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put(page, response);
  const files = filesOf(html, page);
  for (const extra of ["manifest.webmanifest", "icons/icon-192.png", "icons/icon-512.png"]) {
    files.add(new URL(extra, page).href);
  }
  await Promise.all([...files].map((url) => cache.add(url).catch(() => undefined)));
  // Forget files of earlier releases.
  for (const request of await cache.keys()) {
    if (request.url !== page && !files.has(request.url)) await cache.delete(request);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(keepShell());
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          // A new release: keep its files for next time.
          event.waitUntil(keepShell().catch(() => undefined));
          return response;
        })
        .catch(async () => (await caches.match(new URL("./", self.registration.scope).href)) || Response.error()),
    );
    return;
  }
  event.respondWith(
    caches.match(request).then((cached) => cached || fetch(request)),
  );
});
