//! Where the page was loaded from.

/// Whether the page came over HTTPS (then the browser allows only `wss://` brokers).
pub fn page_is_secure() -> bool {
    web_sys::window()
        .and_then(|window| window.location().protocol().ok())
        .is_some_and(|protocol| protocol == "https:")
}
