//! What the page says about its own start and its end: the "Starting Feedboard…" line of
//! `index.html` (kept by `assets/boot.js` until the app runs) is removed once the app is
//! mounted, and a panic — which stops every part of the app at once — is said in the page, not
//! only in the console.

use std::panic::PanicHookInfo;

/// The app is running: the start-up line goes.
pub fn started() {
    let boot = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("boot"));
    if let Some(boot) = boot {
        boot.remove();
    }
}

/// Reports a panic in the console (with its location) and in a banner at the top of the page.
pub fn report_panics() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        console_error_panic_hook::hook(info);
        show_stopped(&info.to_string());
    }));
}

fn show_stopped(detail: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Ok(banner) = document.create_element("p") else {
        return;
    };
    banner.set_class_name("boot boot-failed");
    let _ = banner.set_attribute("role", "alert");
    // Text, never markup: the detail may quote received data.
    banner.set_text_content(Some(&format!(
        "Feedboard stopped because of an error and no longer updates. Reload the page to start it again. ({detail})"
    )));
    if let Some(body) = document.body() {
        let _ = body.prepend_with_node_1(&banner);
    }
}
