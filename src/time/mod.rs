//! Time as a plain value.
//!
//! The logic layers never read a clock: callers pass `now` in. That keeps them deterministic under
//! test (an hour of keepalives runs in microseconds) and avoids `std::time::Instant::now()`, which
//! panics on `wasm32-unknown-unknown`.

pub mod calendar;

use std::ops::{Add, Sub};
use std::time::Duration;

/// A point on a monotonic clock, in milliseconds since an arbitrary origin
/// (in the browser: `performance.now()`; in native tools: time since start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

impl Instant {
    /// The instant `millis` milliseconds after the clock's origin.
    pub const fn from_millis(millis: u64) -> Self {
        Self(millis)
    }

    /// Milliseconds since the clock's origin.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Time elapsed from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    fn add(self, rhs: Duration) -> Instant {
        let millis = u64::try_from(rhs.as_millis()).unwrap_or(u64::MAX);
        Instant(self.0.saturating_add(millis))
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;

    fn sub(self, rhs: Duration) -> Instant {
        let millis = u64::try_from(rhs.as_millis()).unwrap_or(u64::MAX);
        Instant(self.0.saturating_sub(millis))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_and_subtracting_saturates_instead_of_overflowing() {
        let start = Instant::from_millis(5);
        assert_eq!(start - Duration::from_secs(1), Instant::from_millis(0));
        assert_eq!(
            Instant::from_millis(u64::MAX - 1) + Duration::from_secs(1),
            Instant::from_millis(u64::MAX)
        );
        assert_eq!(
            (start + Duration::from_millis(1500)).saturating_since(start),
            Duration::from_millis(1500)
        );
        assert_eq!(
            start.saturating_since(start + Duration::from_secs(1)),
            Duration::ZERO
        );
    }
}
