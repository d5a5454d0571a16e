//! What the page says about its own start and its end: the "Starting Feedboard…" line of
//! `index.html` (kept by `assets/boot.js` until the app runs) is removed once the app is
//! mounted; a panic's details go to the console.

/// The app is running: the start-up line goes.
pub fn started() {
    let boot = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("boot"));
    if let Some(boot) = boot {
        boot.remove();
    }
}

/// Reports a panic's message and location in the console. The page's "Feedboard stopped"
/// banner comes from `assets/boot.js`, which sees the trap every panic ends in — also in the
/// release build, whose panics stop at once without running this hook (dev/build-release).
pub fn report_panics() {
    console_error_panic_hook::set_once();
}
