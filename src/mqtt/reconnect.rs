//! When to try again after a lost connection: exponential backoff with jitter and a cap.
//! Pure arithmetic; the session decides whether to retry at all.

use std::time::Duration;

/// How reconnect attempts are paced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReconnectPolicy {
    /// The pause before the first attempt (a service may ask for at least this much).
    pub first_delay: Duration,
    /// The longest pause between attempts.
    pub max_delay: Duration,
    /// Random spread added to each pause, as a fraction of it (0.2 = up to 20 % longer), so
    /// that many tabs or devices do not reconnect in lockstep.
    pub jitter: f64,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(120),
            jitter: 0.2,
        }
    }
}

/// The attempt count and a small deterministic random source for the jitter.
#[derive(Debug, Clone)]
pub struct Backoff {
    policy: ReconnectPolicy,
    attempt: u32,
    random_state: u64,
}

impl Backoff {
    /// A fresh backoff; `seed` drives the jitter (any value; the same seed repeats exactly).
    pub fn new(policy: ReconnectPolicy, seed: u64) -> Self {
        Self {
            policy,
            attempt: 0,
            random_state: scramble(seed),
        }
    }

    /// The pause before the next attempt; each call doubles it up to the cap.
    pub fn next_delay(&mut self) -> Duration {
        let exponent = self.attempt.min(20);
        self.attempt = self.attempt.saturating_add(1);
        let base = self
            .policy
            .first_delay
            .saturating_mul(1u32 << exponent)
            .min(self.policy.max_delay);
        let spread = base.mul_f64(self.policy.jitter.clamp(0.0, 1.0) * self.random_unit());
        base.saturating_add(spread).max(self.policy.first_delay)
    }

    /// Attempts made since the last successful connection.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Starts over after a successful connection.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// A number in [0, 1) (xorshift64*).
    fn random_unit(&mut self) -> f64 {
        let mut x = self.random_state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.random_state = x;
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// splitmix64: spreads nearby seeds (0, 1, 2, …) far apart, and never yields the zero state
/// xorshift cannot leave.
fn scramble(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_from_the_first_up_to_the_cap() {
        let policy = ReconnectPolicy {
            first_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(60),
            jitter: 0.0,
        };
        let mut backoff = Backoff::new(policy, 7);
        let delays: Vec<u64> = (0..6).map(|_| backoff.next_delay().as_secs()).collect();
        assert_eq!(delays, vec![10, 20, 40, 60, 60, 60]);
        backoff.reset();
        assert_eq!(backoff.next_delay(), Duration::from_secs(10));
    }

    #[test]
    fn jitter_spreads_delays_but_never_below_the_first_or_far_above_the_cap() {
        let policy = ReconnectPolicy {
            first_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(60),
            jitter: 0.5,
        };
        let mut spread = std::collections::BTreeSet::new();
        for seed in 0..50 {
            let mut backoff = Backoff::new(policy, seed);
            let first = backoff.next_delay();
            assert!(first >= Duration::from_secs(10) && first <= Duration::from_secs(15));
            spread.insert(first.as_millis());
            for _ in 0..10 {
                assert!(backoff.next_delay() <= Duration::from_secs(90));
            }
        }
        assert!(
            spread.len() > 40,
            "seeds give different delays: {}",
            spread.len()
        );
    }
}
