//! One budget: a token bucket whose tokens come back one period after they are spent.
//!
//! The services count actions in a sliding window ("30 a minute"). A classic token bucket that
//! refills continuously lets through a full bucket and then the refill, up to twice the limit
//! within one minute; returning each token exactly one period after its spend keeps every
//! window, sliding or fixed, within the capacity.

use crate::time::Instant;
use std::collections::VecDeque;
use std::time::Duration;

/// Why an action must wait, or cannot happen at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortfall {
    /// Enough tokens return at this time.
    Until(Instant),
    /// The action costs more than the whole budget: it can never go.
    TooCostly {
        /// What it costs.
        cost: u32,
        /// The budget's capacity.
        capacity: u32,
    },
}

/// A budget's state, for meters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Level {
    /// Tokens that can be spent now (0 while paused).
    pub available: u32,
    /// Tokens in all.
    pub capacity: u32,
    /// When the next spent token returns, if any is out.
    pub next_return: Option<Instant>,
    /// Paused until then (a throttle or ban from the service).
    pub paused_until: Option<Instant>,
}

/// The budget.
#[derive(Debug, Clone, PartialEq)]
pub struct RateBudget {
    capacity: u32,
    period: Duration,
    /// The least time between two spends (Adafruit IO asks for 10 s between reconnects).
    min_spacing: Duration,
    /// Spends not yet returned, oldest first, with their cost.
    spent: VecDeque<(Instant, u32)>,
    last_spend: Option<Instant>,
    paused_until: Option<Instant>,
}

impl RateBudget {
    /// `capacity` tokens that each come back `period` after being spent.
    pub fn new(capacity: u32, period: Duration) -> Self {
        Self {
            capacity,
            period,
            min_spacing: Duration::ZERO,
            spent: VecDeque::new(),
            last_spend: None,
            paused_until: None,
        }
    }

    /// The same, with at least `spacing` between two spends.
    pub fn with_min_spacing(mut self, spacing: Duration) -> Self {
        self.min_spacing = spacing;
        self
    }

    /// Tokens in all.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// How long a spent token stays out.
    pub fn period(&self) -> Duration {
        self.period
    }

    fn outstanding(&self, now: Instant) -> u32 {
        self.spent
            .iter()
            .filter(|(at, _)| now < *at + self.period)
            .map(|(_, cost)| *cost)
            .fold(0u32, u32::saturating_add)
    }

    /// Tokens that can be spent at `now`, pauses aside.
    pub fn available(&self, now: Instant) -> u32 {
        self.capacity.saturating_sub(self.outstanding(now))
    }

    /// Whether an action costing `cost` may go at `now`, or until when it must wait.
    pub fn check(&self, now: Instant, cost: u32) -> Result<(), Shortfall> {
        self.check_spaced(now, cost, true)
    }

    /// [`RateBudget::check`], keeping the least spacing between spends only if `spaced`.
    pub fn check_spaced(&self, now: Instant, cost: u32, spaced: bool) -> Result<(), Shortfall> {
        if cost > self.capacity {
            return Err(Shortfall::TooCostly {
                cost,
                capacity: self.capacity,
            });
        }
        let mut ready = now;
        if let Some(until) = self.paused_until.filter(|until| now < *until) {
            ready = ready.max(until);
        }
        if let Some(last) = self.last_spend.filter(|_| spaced) {
            ready = ready.max(last + self.min_spacing);
        }
        ready = ready.max(self.enough_tokens_at(now, cost));
        if ready <= now {
            Ok(())
        } else {
            Err(Shortfall::Until(ready))
        }
    }

    /// When `cost` tokens will be available (now, if they are).
    fn enough_tokens_at(&self, now: Instant, cost: u32) -> Instant {
        let mut short = cost.saturating_sub(self.available(now));
        if short == 0 {
            return now;
        }
        for (at, spent) in self.spent.iter().filter(|(at, _)| now < *at + self.period) {
            short = short.saturating_sub(*spent);
            if short == 0 {
                return *at + self.period;
            }
        }
        // Unreachable while cost <= capacity; wait a full period to be safe.
        now + self.period
    }

    /// Spends `cost` tokens at `now`.
    pub fn spend(&mut self, now: Instant, cost: u32) {
        self.count_spend(now, cost);
        self.last_spend = Some(self.last_spend.map_or(now, |last| last.max(now)));
    }

    /// Counts a spend another tab of the account made at `at`: it uses tokens (the count may
    /// run past the capacity, and the budget then waits longer) but not this tab's spacing,
    /// which paces one client's own attempts.
    pub fn spend_elsewhere(&mut self, at: Instant, cost: u32) {
        self.count_spend(at, cost);
    }

    fn count_spend(&mut self, at: Instant, cost: u32) {
        self.forget_returned(at);
        if cost > 0 {
            // Spends reported by other tabs can be older than this tab's last one.
            let position = self.spent.partition_point(|(t, _)| *t <= at);
            self.spent.insert(position, (at, cost));
        }
    }

    /// Leaves `remaining` tokens at most, as the service says (its "only N attempts remaining"
    /// counts more than this tab knows about).
    pub fn align_remaining(&mut self, now: Instant, remaining: u32) {
        let available = self.available(now);
        if available > remaining {
            self.spend(now, available - remaining);
        }
    }

    /// Stops all spending until `until` (a throttle or ban).
    pub fn pause_until(&mut self, until: Instant) {
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
    }

    /// The pause in force at `now`, if any.
    pub fn paused_until(&self, now: Instant) -> Option<Instant> {
        self.paused_until.filter(|until| now < *until)
    }

    /// The budget's state at `now`.
    pub fn level(&self, now: Instant) -> Level {
        let paused_until = self.paused_until(now);
        Level {
            available: if paused_until.is_some() {
                0
            } else {
                self.available(now)
            },
            capacity: self.capacity,
            next_return: self
                .spent
                .iter()
                .map(|(at, _)| *at + self.period)
                .find(|back| now < *back),
            paused_until,
        }
    }

    fn forget_returned(&mut self, now: Instant) {
        while self
            .spent
            .front()
            .is_some_and(|(at, _)| now >= *at + self.period)
        {
            self.spent.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> Instant {
        Instant::from_millis(seconds * 1000)
    }

    #[test]
    fn a_full_budget_spends_down_and_each_token_returns_a_period_after_its_spend() {
        let mut budget = RateBudget::new(3, Duration::from_secs(60));
        for second in [0, 10, 20] {
            assert_eq!(budget.check(at(second), 1), Ok(()));
            budget.spend(at(second), 1);
        }
        assert_eq!(budget.available(at(30)), 0);
        assert_eq!(budget.check(at(30), 1), Err(Shortfall::Until(at(60))));
        assert_eq!(budget.check(at(30), 2), Err(Shortfall::Until(at(70))));
        assert_eq!(budget.available(at(60)), 1);
        assert_eq!(budget.available(at(80)), 3);
    }

    #[test]
    fn no_sliding_minute_ever_holds_more_than_the_capacity() {
        // Spend whenever allowed, every 100 ms for five minutes, then count every window.
        let mut budget = RateBudget::new(30, Duration::from_secs(60));
        let mut spends = Vec::new();
        for tenth in 0..3000u64 {
            let now = Instant::from_millis(tenth * 100);
            if budget.check(now, 1).is_ok() {
                budget.spend(now, 1);
                spends.push(now.as_millis());
            }
        }
        for &start in &spends {
            let in_window = spends
                .iter()
                .filter(|&&t| t >= start && t < start + 60_000)
                .count();
            assert!(
                in_window <= 30,
                "{in_window} spends in the minute from {start} ms"
            );
        }
        // And the budget is used: 30 a minute over five minutes.
        assert_eq!(spends.len(), 150);
    }

    #[test]
    fn costs_above_the_capacity_can_never_go() {
        let budget = RateBudget::new(27, Duration::from_secs(60));
        assert_eq!(
            budget.check(at(0), 40),
            Err(Shortfall::TooCostly {
                cost: 40,
                capacity: 27
            })
        );
    }

    #[test]
    fn a_pause_and_a_minimum_spacing_hold_actions_back() {
        let mut budget =
            RateBudget::new(20, Duration::from_secs(60)).with_min_spacing(Duration::from_secs(10));
        budget.spend(at(0), 1);
        assert_eq!(budget.check(at(4), 1), Err(Shortfall::Until(at(10))));
        assert_eq!(budget.check(at(10), 1), Ok(()));
        budget.pause_until(at(45));
        assert_eq!(budget.check(at(10), 1), Err(Shortfall::Until(at(45))));
        assert_eq!(budget.level(at(10)).available, 0);
        assert_eq!(budget.level(at(10)).paused_until, Some(at(45)));
        assert_eq!(budget.check(at(45), 1), Ok(()));
        assert_eq!(budget.level(at(46)).paused_until, None);
    }

    #[test]
    fn spends_learned_from_elsewhere_can_run_past_the_capacity_and_delay_the_next() {
        let mut budget = RateBudget::new(2, Duration::from_secs(60));
        budget.spend(at(0), 2);
        budget.spend(at(1), 1);
        assert_eq!(budget.available(at(2)), 0);
        // Three are out of two: nothing until 60 s, and both only once the third is back.
        assert_eq!(budget.check(at(59), 1), Err(Shortfall::Until(at(60))));
        assert_eq!(budget.check(at(60), 2), Err(Shortfall::Until(at(61))));
        assert_eq!(budget.check(at(61), 2), Ok(()));
    }

    #[test]
    fn an_older_spend_learned_late_takes_its_place_in_time() {
        let mut budget = RateBudget::new(2, Duration::from_secs(60));
        budget.spend(at(30), 1);
        budget.spend(at(10), 1);
        // The older token returns first.
        assert_eq!(budget.check(at(40), 1), Err(Shortfall::Until(at(70))));
        assert_eq!(budget.level(at(40)).next_return, Some(at(70)));
    }

    #[test]
    fn another_tab_s_spends_use_tokens_but_not_this_tab_s_spacing() {
        let mut budget =
            RateBudget::new(3, Duration::from_secs(60)).with_min_spacing(Duration::from_secs(10));
        budget.spend_elsewhere(at(0), 2);
        assert_eq!(budget.check(at(1), 1), Ok(()));
        assert_eq!(budget.check(at(1), 2), Err(Shortfall::Until(at(60))));
    }

    #[test]
    fn the_service_s_count_of_remaining_attempts_wins_when_lower() {
        let mut budget = RateBudget::new(90, Duration::from_secs(60));
        budget.align_remaining(at(0), 4);
        assert_eq!(budget.available(at(0)), 4);
        budget.align_remaining(at(0), 10);
        assert_eq!(budget.available(at(0)), 4, "a higher count changes nothing");
        assert_eq!(budget.level(at(0)).next_return, Some(at(60)));
    }
}
