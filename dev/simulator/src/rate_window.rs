//! Counting actions in a sliding window, the way the services count them.

use feedboard::time::Instant;
use std::collections::VecDeque;
use std::time::Duration;

/// The times of recent actions within `window`.
#[derive(Debug, Clone)]
pub struct RateWindow {
    window: Duration,
    times: VecDeque<Instant>,
}

impl RateWindow {
    /// A window of `window` length.
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            times: VecDeque::new(),
        }
    }

    /// Forgets actions older than the window.
    fn expire(&mut self, now: Instant) {
        while self
            .times
            .front()
            .is_some_and(|t| now.saturating_since(*t) >= self.window)
        {
            self.times.pop_front();
        }
    }

    /// Actions counted in the window ending `now`.
    pub fn count(&mut self, now: Instant) -> usize {
        self.expire(now);
        self.times.len()
    }

    /// Records an action.
    pub fn record(&mut self, now: Instant) {
        self.expire(now);
        self.times.push_back(now);
    }

    /// When the oldest counted action leaves the window.
    pub fn frees_at(&mut self, now: Instant) -> Option<Instant> {
        self.expire(now);
        self.times.front().map(|t| *t + self.window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_leave_the_window_after_its_length() {
        let mut window = RateWindow::new(Duration::from_secs(60));
        window.record(Instant::from_millis(0));
        window.record(Instant::from_millis(30_000));
        assert_eq!(window.count(Instant::from_millis(59_999)), 2);
        assert_eq!(window.count(Instant::from_millis(60_000)), 1);
        assert_eq!(
            window.frees_at(Instant::from_millis(60_000)),
            Some(Instant::from_millis(90_000))
        );
        assert_eq!(window.count(Instant::from_millis(90_000)), 0);
    }
}
