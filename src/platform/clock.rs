//! The browser's monotonic clock as a [`crate::time::Instant`].

use crate::time::Instant;

/// Now, from `performance.now()` (falls back to `Date.now()` where there is no `performance`).
pub fn now() -> Instant {
    let millis = web_sys::window()
        .and_then(|window| window.performance())
        .map(|performance| performance.now())
        .unwrap_or_else(js_sys::Date::now);
    // Both clocks are non-negative and far below 2^53 ms; the cast only drops the fraction.
    Instant::from_millis(millis.max(0.0) as u64)
}

/// Wall-clock time in milliseconds since the Unix epoch, for timestamps shown to people.
pub fn wall_clock_millis() -> f64 {
    js_sys::Date::now()
}
