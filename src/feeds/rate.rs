//! How fast a feed updates: counts per second over the last minute, in constant memory
//! whatever the message rate.

const WINDOW_SECONDS: i64 = 60;

/// Updates per one-second bucket over a sliding minute.
#[derive(Debug, Clone, PartialEq)]
pub struct RateMeter {
    buckets: [u32; WINDOW_SECONDS as usize],
    /// The second (since the epoch) the newest bucket stands for.
    newest_second: Option<i64>,
    /// The second of the first update, to avoid claiming a full minute of history too early.
    first_second: Option<i64>,
}

impl Default for RateMeter {
    fn default() -> Self {
        Self {
            buckets: [0; WINDOW_SECONDS as usize],
            newest_second: None,
            first_second: None,
        }
    }
}

fn second_of(epoch_ms: f64) -> i64 {
    // Finite wall-clock times only; anything else lands in second 0.
    if epoch_ms.is_finite() {
        (epoch_ms / 1000.0).floor() as i64
    } else {
        0
    }
}

fn slot(second: i64) -> usize {
    usize::try_from(second.rem_euclid(WINDOW_SECONDS)).unwrap_or(0)
}

impl RateMeter {
    /// Counts one update at `epoch_ms`. Updates older than the newest second count toward it.
    pub fn record(&mut self, epoch_ms: f64) {
        let second = second_of(epoch_ms).max(self.newest_second.unwrap_or(i64::MIN));
        if let Some(newest) = self.newest_second {
            // Clear the buckets of the seconds that passed without updates.
            let gap = (second - newest).min(WINDOW_SECONDS);
            for step in 1..=gap {
                self.buckets[slot(newest + step)] = 0;
            }
        }
        self.buckets[slot(second)] = self.buckets[slot(second)].saturating_add(1);
        self.newest_second = Some(second);
        self.first_second.get_or_insert(second);
    }

    /// Updates in the minute before `now_ms`.
    pub fn count_last_minute(&self, now_ms: f64) -> u64 {
        let Some(newest) = self.newest_second else {
            return 0;
        };
        let now = second_of(now_ms).max(newest);
        ((now - WINDOW_SECONDS + 1)..=now)
            .filter(|second| *second <= newest && *second > newest - WINDOW_SECONDS)
            .map(|second| u64::from(self.buckets[slot(second)]))
            .sum()
    }

    /// Updates per minute at `now_ms`, measured over the last minute (or over the time since
    /// the first update, when that is shorter). `None` until two seconds of history exist.
    pub fn per_minute(&self, now_ms: f64) -> Option<f64> {
        let first = self.first_second?;
        let now = second_of(now_ms);
        let observed = (now - first + 1).min(WINDOW_SECONDS);
        if observed < 2 {
            return None;
        }
        Some(self.count_last_minute(now_ms) as f64 * 60.0 / observed as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_update_a_second_reads_sixty_a_minute() {
        let mut meter = RateMeter::default();
        for second in 0..120 {
            meter.record(1_000_000.0 + f64::from(second) * 1000.0);
        }
        let now = 1_000_000.0 + 119_500.0;
        assert_eq!(meter.count_last_minute(now), 60);
        assert_eq!(meter.per_minute(now), Some(60.0));
    }

    #[test]
    fn a_young_feed_is_measured_over_its_own_age() {
        let mut meter = RateMeter::default();
        assert_eq!(meter.per_minute(0.0), None);
        for tenth in 0..50 {
            meter.record(f64::from(tenth) * 100.0);
        }
        // 50 updates in the first five seconds: 600 a minute.
        assert_eq!(meter.per_minute(4_900.0), Some(600.0));
    }

    #[test]
    fn a_silent_minute_brings_the_rate_to_zero() {
        let mut meter = RateMeter::default();
        for second in 0..30 {
            meter.record(f64::from(second) * 1000.0);
        }
        assert_eq!(meter.count_last_minute(29_000.0), 30);
        assert_eq!(meter.count_last_minute(75_000.0), 14);
        assert_eq!(meter.count_last_minute(200_000.0), 0);
        assert_eq!(meter.per_minute(200_000.0), Some(0.0));
        // A late update after the silence clears the stale buckets rather than adding to them.
        meter.record(200_000.0);
        assert_eq!(meter.count_last_minute(200_000.0), 1);
    }
}
