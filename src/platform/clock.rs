//! The browser's monotonic clock as a [`crate::time::Instant`].

use crate::time::Instant;

thread_local! {
    /// The page's `performance` object, looked up once: the clock is read for every received
    /// message, and finding it again is two more calls into the browser each time.
    static PERFORMANCE: Option<web_sys::Performance> =
        web_sys::window().and_then(|window| window.performance());
}

/// Now, from `performance.now()` (falls back to `Date.now()` where there is no `performance`).
pub fn now() -> Instant {
    // Both clocks are non-negative and far below 2^53 ms; the cast only drops the fraction.
    Instant::from_millis(now_ms().max(0.0) as u64)
}

/// Now in milliseconds with their fraction, for measuring short work.
pub fn now_ms() -> f64 {
    PERFORMANCE
        .with(|performance| performance.as_ref().map(web_sys::Performance::now))
        .unwrap_or_else(js_sys::Date::now)
}

/// Wall-clock time in milliseconds since the Unix epoch, for timestamps shown to people.
pub fn wall_clock_millis() -> f64 {
    js_sys::Date::now()
}

/// The wall-clock time (ms since the Unix epoch) of the monotonic instant `at`.
pub fn wall_of(at: Instant) -> f64 {
    wall_clock_millis() + at.as_millis() as f64 - now().as_millis() as f64
}

/// The monotonic instant of wall-clock time `wall_ms` (clamped at the clock's start).
pub fn instant_of_wall(wall_ms: f64) -> Instant {
    let now = now();
    let offset = (wall_clock_millis() - wall_ms).round();
    if offset >= 0.0 {
        Instant::from_millis(now.as_millis().saturating_sub(offset as u64))
    } else {
        Instant::from_millis(now.as_millis().saturating_add((-offset) as u64))
    }
}

/// Runs `work` and leaves its duration in the page's performance timeline as a measure named
/// `name` (benchmarks and DevTools read it; the entry is cleared at once, so nothing piles up
/// in the timeline: only a `PerformanceObserver` sees it).
pub fn measured<R>(name: &str, work: impl FnOnce() -> R) -> R {
    let Some(performance) = web_sys::window().and_then(|window| window.performance()) else {
        return work();
    };
    let start = format!("{name}:start");
    let _ = performance.mark(&start);
    let result = work();
    let _ = performance.measure_with_start_mark(name, &start);
    performance.clear_marks_with_mark_name(&start);
    performance.clear_measures_with_measure_name(name);
    result
}
