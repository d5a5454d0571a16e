//! Registering the service worker (`assets/sw.js`) that keeps the app shell for offline use.

/// Registers the service worker, in release builds (in development it would serve stale
/// files) and where the browser offers service workers (secure pages only).
pub fn keep_app_shell() {
    if cfg!(debug_assertions) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    // `navigator.serviceWorker` is missing on insecure pages: calling into it would throw.
    let offered = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if offered {
        // Relative to the page, so a build served from a sub-path registers its own worker.
        let _ = navigator.service_worker().register("sw.js");
    }
}
