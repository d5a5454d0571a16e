//! How often a feed usually updates, learned from the gaps between its recent updates.

/// Gaps remembered per feed.
const GAPS_KEPT: usize = 8;

/// A feed is silent once it has been quiet this many times its usual interval.
pub const TOLERANCE: f64 = 3.0;

/// A learned interval never marks a feed silent sooner than this: arrival times jitter, and a
/// feed that updated every second and stops is still marked within about a minute.
pub const LEARNED_FLOOR_MS: f64 = 60_000.0;

/// The recent gaps between a feed's updates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntervalLearner {
    gaps: Vec<f64>,
    next: usize,
    last_ms: Option<f64>,
    /// The interval the gaps give, worked out once per update (it is read far more often).
    learned_ms: Option<f64>,
}

impl IntervalLearner {
    /// Notes an update at `at_ms`.
    pub fn record(&mut self, at_ms: f64) {
        if let Some(last) = self.last_ms {
            let gap = (at_ms - last).max(0.0);
            if self.gaps.len() < GAPS_KEPT {
                self.gaps.push(gap);
            } else {
                self.gaps[self.next] = gap;
            }
            self.next = (self.next + 1) % GAPS_KEPT;
            self.learned_ms = upper_median(&self.gaps);
        }
        self.last_ms = Some(self.last_ms.map_or(at_ms, |last| last.max(at_ms)));
    }

    /// When the feed last updated.
    pub fn last_ms(&self) -> Option<f64> {
        self.last_ms
    }

    /// The usual interval: the upper median of the recent gaps (a retained value and a fresh
    /// one arriving together must not make a slow feed look fast). `None` before two gaps.
    pub fn learned_ms(&self) -> Option<f64> {
        self.learned_ms
    }
}

fn upper_median(gaps: &[f64]) -> Option<f64> {
    if gaps.len() < 2 {
        return None;
    }
    let mut sorted = [0.0; GAPS_KEPT];
    let sorted = &mut sorted[..gaps.len()];
    sorted.copy_from_slice(gaps);
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied()
}

/// The usual interval and the quiet time after which the feed counts as silent: the user's
/// interval (`set_ms`) × [`TOLERANCE`], or the learned one × [`TOLERANCE`] but at least
/// [`LEARNED_FLOOR_MS`]. `None` while there is nothing to go by.
pub fn silence_threshold(learner: &IntervalLearner, set_ms: Option<f64>) -> Option<(f64, f64)> {
    match set_ms.filter(|ms| *ms > 0.0) {
        Some(set) => Some((set, set * TOLERANCE)),
        None => {
            let learned = learner.learned_ms()?;
            Some((learned, (learned * TOLERANCE).max(LEARNED_FLOOR_MS)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learner(times: &[f64]) -> IntervalLearner {
        let mut learner = IntervalLearner::default();
        for at in times {
            learner.record(*at);
        }
        learner
    }

    #[test]
    fn the_interval_is_learned_from_recent_gaps_and_resists_outliers() {
        assert_eq!(learner(&[0.0, 10_000.0]).learned_ms(), None, "one gap");
        let steady = learner(&[0.0, 10_000.0, 20_000.0, 30_000.0]);
        assert_eq!(steady.learned_ms(), Some(10_000.0));
        // A retained value and the fresh one a moment later, then the usual rhythm.
        let retained = learner(&[0.0, 5.0, 10_005.0]);
        assert_eq!(retained.learned_ms(), Some(10_000.0));
        // One long pause among many regular updates does not change the interval.
        let paused = learner(&[0.0, 1e3, 2e3, 3e3, 4e3, 60e3, 61e3, 62e3, 63e3]);
        assert_eq!(paused.learned_ms(), Some(1e3));
        // Only the last eight gaps count: a feed that slowed down is learned anew.
        let times: Vec<f64> = (0..10)
            .map(|i| f64::from(i) * 1e3)
            .chain((1..=9).map(|i| 9e3 + f64::from(i) * 30e3))
            .collect();
        assert_eq!(learner(&times).learned_ms(), Some(30e3));
    }

    #[test]
    fn the_threshold_has_a_floor_for_learned_intervals_only() {
        let fast = learner(&[0.0, 1e3, 2e3]);
        assert_eq!(
            silence_threshold(&fast, None),
            Some((1e3, LEARNED_FLOOR_MS))
        );
        let slow = learner(&[0.0, 60e3, 120e3]);
        assert_eq!(silence_threshold(&slow, None), Some((60e3, 180e3)));
        assert_eq!(
            silence_threshold(&fast, Some(2e3)),
            Some((2e3, 6e3)),
            "the user's interval"
        );
        assert_eq!(silence_threshold(&IntervalLearner::default(), None), None);
    }
}
