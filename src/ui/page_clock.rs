//! One wall clock for the whole page, ticking twice a second: ages ("3 s ago"), countdowns and
//! sliding chart windows all follow it, so the page has one timer instead of one per card.

use crate::platform::clock::wall_clock_millis;
use leptos::prelude::*;
use std::time::Duration;

/// The page clock, provided as context by the app.
#[derive(Clone, Copy)]
pub struct PageClock(RwSignal<f64>);

impl PageClock {
    /// Starts the clock; it stops when the owner (the app) is cleaned up.
    pub fn start() -> Self {
        let now = RwSignal::new(wall_clock_millis());
        if let Ok(ticker) = set_interval_with_handle(
            move || now.set(wall_clock_millis()),
            Duration::from_millis(500),
        ) {
            on_cleanup(move || ticker.clear());
        }
        Self(now)
    }

    /// Now, ms since the Unix epoch; reading it in a reactive context re-runs on every tick.
    pub fn now(&self) -> Signal<f64> {
        self.0.into()
    }
}
