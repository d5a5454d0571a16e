//! The watcher: a plain state machine fed with updates, the connection's state and the time
//! (wall-clock ms, passed in), that marks silent feeds and fires and clears alert rules. The
//! page calls it on every batch of messages and on its clock's tick; tests drive it with a
//! fake clock.

use super::interval::{silence_threshold, IntervalLearner};
use super::plan::WatchPlan;
use crate::chart::time_axis::{interval_text, readout_time, LocalZone};
use crate::dashboard::rule::{Condition, Rule};
use crate::feeds::series::RowValue;
use crate::feeds::store::FeedStore;
use crate::service::feed_ref::FeedRef;
use crate::service::value::Value;
use std::collections::{HashMap, VecDeque};

/// Alerts kept in the history, fired and cleared.
pub const HISTORY_LIMIT: usize = 200;

/// A feed that stopped updating.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Silence {
    /// Its last update, ms since the Unix epoch.
    pub since_ms: f64,
    /// How often it usually updates, ms.
    pub usual_ms: f64,
}

impl Silence {
    /// "silent since 12:03:05 (usually every 10 s)", the date added when not `now_ms`'s day.
    pub fn describe(&self, now_ms: f64, zone: &dyn LocalZone) -> String {
        format!(
            "silent since {} (usually every {})",
            readout_time(self.since_ms, now_ms, zone),
            interval_text(self.usual_ms)
        )
    }
}

/// One firing of a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Unique within the page's life.
    pub id: u64,
    /// The key of the rule that fired ([`Rule::key`]), to find its alert from the rule.
    pub rule_key: String,
    /// The rule, in words ("temp above 30").
    pub rule: String,
    /// The feed it watches.
    pub feed: FeedRef,
    /// The value that fired it (none for a silence rule).
    pub value: Option<String>,
    /// When it fired, ms since the Unix epoch.
    pub fired_ms: f64,
    /// When it cleared, if it has.
    pub cleared_ms: Option<f64>,
}

impl Alert {
    /// What a notification says: "temp above 30: 31.2".
    pub fn message(&self) -> String {
        match &self.value {
            Some(value) => format!("{}: {value}", self.rule),
            None => self.rule.clone(),
        }
    }
}

/// What changed.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent {
    /// A rule fired: the alert's id.
    Fired(u64),
    /// An alert cleared.
    Cleared(u64),
    /// A feed was marked silent.
    Silent(FeedRef),
    /// A silent feed updated again, or stopped counting as silent (the connection went down).
    Recovered(FeedRef),
}

#[derive(Debug, Clone, Default)]
struct FeedWatch {
    learner: IntervalLearner,
    seen: u64,
    latest: Option<Value>,
    silence: Option<Silence>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Clear,
    Pending { since_ms: f64 },
    Firing { alert: u64 },
}

/// The watcher (see the module documentation).
#[derive(Debug, Default)]
pub struct Watcher {
    feeds: HashMap<FeedRef, FeedWatch>,
    rules: HashMap<String, Phase>,
    listening_since: Option<f64>,
    store_revision: u64,
    store_dropped: u64,
    history: VecDeque<Alert>,
    next_alert: u64,
    events: VecDeque<WatchEvent>,
}

impl Watcher {
    /// A watcher that has seen nothing; it marks nothing until told the connection is up.
    pub fn new() -> Self {
        Self::default()
    }

    /// The connection came up or went down at `now_ms`. While it is down nothing is marked
    /// silent; once up, a feed counts as silent only after the page has listened for its
    /// whole silence threshold (it may have updated while nobody listened).
    pub fn handle_connection(&mut self, connected: bool, now_ms: f64) {
        match (connected, self.listening_since) {
            (true, None) => self.listening_since = Some(now_ms),
            (false, Some(_)) => {
                self.listening_since = None;
                for (feed, watch) in &mut self.feeds {
                    if watch.silence.take().is_some() {
                        self.events.push_back(WatchEvent::Recovered(feed.clone()));
                    }
                }
            }
            _ => {}
        }
    }

    /// Takes in every update `store` holds that the watcher has not seen yet.
    pub fn catch_up(&mut self, plan: &WatchPlan, store: &FeedStore) {
        if store.revision() == self.store_revision {
            return;
        }
        if store.revision() < self.store_revision {
            // A fresh store (another connection): what was learned belongs to the old one.
            self.feeds.clear();
            self.store_dropped = 0;
        }
        self.store_revision = store.revision();
        for (feed, series) in store.feeds() {
            let seen = self.feeds.get(feed).map_or(0, |watch| watch.seen);
            let count = series.count();
            if count == seen {
                continue;
            }
            let new = usize::try_from(count.saturating_sub(seen)).unwrap_or(usize::MAX);
            let updates = series.recent_values(new.min(series.len()));
            for (at_ms, value) in updates.into_iter().rev() {
                let value = value.map(|value| match value {
                    RowValue::Number(number) => Value::Number(number),
                    RowValue::Text(text) => Value::Text(text.to_owned()),
                });
                self.handle_update(plan, feed, value.as_ref(), at_ms);
            }
            if let Some(watch) = self.feeds.get_mut(feed) {
                watch.seen = count;
            }
        }
        // Feeds the store let go are forgotten here too (looked for only when it let some go).
        if store.feeds_dropped() != self.store_dropped {
            self.store_dropped = store.feeds_dropped();
            self.feeds.retain(|feed, _| store.get(feed).is_some());
        }
    }

    /// One update of `feed` at `at_ms` (`None`: a value no longer known, only its time).
    pub fn handle_update(
        &mut self,
        plan: &WatchPlan,
        feed: &FeedRef,
        value: Option<&Value>,
        at_ms: f64,
    ) {
        if !self.feeds.contains_key(feed) {
            self.feeds.insert(feed.clone(), FeedWatch::default());
        }
        if let Some(watch) = self.feeds.get_mut(feed) {
            watch.learner.record(at_ms);
            watch.seen += 1;
            if let Some(value) = value {
                watch.latest = Some(value.clone());
            }
            if watch.silence.take().is_some() {
                self.events.push_back(WatchEvent::Recovered(feed.clone()));
            }
        }
        for (key, rule) in plan.rules() {
            if rule.feed != *feed {
                continue;
            }
            let phase = self.phase(key);
            let next = match (&rule.condition, phase) {
                // Any update ends a silence.
                (Condition::SilentFor(_), Phase::Firing { alert }) => {
                    self.clear(alert, at_ms);
                    Phase::Clear
                }
                (Condition::SilentFor(_), _) => Phase::Clear,
                (condition, Phase::Firing { alert }) => {
                    match value.and_then(|v| condition.holds(v, rule.hysteresis)) {
                        Some(false) => {
                            self.clear(alert, at_ms);
                            Phase::Clear
                        }
                        _ => phase,
                    }
                }
                (condition, _) => match value.and_then(|v| condition.starts(v)) {
                    Some(true) => {
                        let since_ms = match phase {
                            Phase::Pending { since_ms } => since_ms,
                            _ => at_ms,
                        };
                        if at_ms - since_ms >= rule.hold_s * 1000.0 {
                            Phase::Firing {
                                alert: self.fire(key, rule, value, at_ms),
                            }
                        } else {
                            Phase::Pending { since_ms }
                        }
                    }
                    Some(false) => Phase::Clear,
                    None => phase,
                },
            };
            self.set_phase(key, next);
        }
    }

    /// Time passed: silences begin, held conditions fire, silence rules fire, and alerts of
    /// rules no longer in the plan clear.
    pub fn handle_timeout(&mut self, plan: &WatchPlan, now_ms: f64) {
        let listening = self.listening_since;
        for (feed, watch) in &mut self.feeds {
            let (Some(listening), Some(last)) = (listening, watch.learner.last_ms()) else {
                continue;
            };
            let Some((usual_ms, threshold)) =
                silence_threshold(&watch.learner, plan.expected_ms(feed))
            else {
                continue;
            };
            let quiet = now_ms - last.max(listening) > threshold;
            match (quiet, watch.silence.is_some()) {
                (true, false) => {
                    watch.silence = Some(Silence {
                        since_ms: last,
                        usual_ms,
                    });
                    self.events.push_back(WatchEvent::Silent(feed.clone()));
                }
                (false, true) => {
                    // The user gave the feed a longer interval.
                    watch.silence = None;
                    self.events.push_back(WatchEvent::Recovered(feed.clone()));
                }
                (true, true) => {
                    if let Some(silence) = &mut watch.silence {
                        silence.usual_ms = usual_ms;
                    }
                }
                (false, false) => {}
            }
        }
        for (key, rule) in plan.rules() {
            let phase = self.phase(key);
            let fires = match (&rule.condition, phase) {
                (_, Phase::Firing { .. }) => false,
                (Condition::SilentFor(minutes), _) => listening.is_some_and(|listening| {
                    let last = self
                        .feeds
                        .get(&rule.feed)
                        .and_then(|watch| watch.learner.last_ms())
                        .map_or(listening, |last| last.max(listening));
                    now_ms - last >= minutes * 60_000.0
                }),
                (_, Phase::Pending { since_ms }) => now_ms - since_ms >= rule.hold_s * 1000.0,
                (_, Phase::Clear) => false,
            };
            if fires {
                let latest = match rule.condition {
                    Condition::SilentFor(_) => None,
                    _ => self.feeds.get(&rule.feed).and_then(|w| w.latest.clone()),
                };
                let alert = self.fire(key, rule, latest.as_ref(), now_ms);
                self.set_phase(key, Phase::Firing { alert });
            }
        }
        let gone: Vec<String> = self
            .rules
            .keys()
            .filter(|key| !plan.has_rule(key))
            .cloned()
            .collect();
        for key in gone {
            if let Some(Phase::Firing { alert }) = self.rules.remove(&key) {
                self.clear(alert, now_ms);
            }
        }
    }

    /// When `handle_timeout` should next run for something to change (the page's clock ticks
    /// more often; tests use this to jump straight there).
    pub fn poll_timeout(&self, plan: &WatchPlan) -> Option<f64> {
        let listening = self.listening_since?;
        let silences = self.feeds.iter().filter(|(_, w)| w.silence.is_none());
        let silence_due = silences.filter_map(|(feed, watch)| {
            let (_, threshold) = silence_threshold(&watch.learner, plan.expected_ms(feed))?;
            Some(watch.learner.last_ms()?.max(listening) + threshold)
        });
        let rules_due = plan.rules().filter_map(|(key, rule)| {
            match (
                &rule.condition,
                self.rules.get(key).copied().unwrap_or(Phase::Clear),
            ) {
                (_, Phase::Firing { .. }) => None,
                (Condition::SilentFor(minutes), _) => {
                    let last = self.feeds.get(&rule.feed).and_then(|w| w.learner.last_ms());
                    Some(last.map_or(listening, |l| l.max(listening)) + minutes * 60_000.0)
                }
                (_, Phase::Pending { since_ms }) => Some(since_ms + rule.hold_s * 1000.0),
                (_, Phase::Clear) => None,
            }
        });
        silence_due.chain(rules_due).reduce(f64::min)
    }

    /// The next thing that changed.
    pub fn poll_event(&mut self) -> Option<WatchEvent> {
        self.events.pop_front()
    }

    /// Whether `feed` is silent now, and since when.
    pub fn silence(&self, feed: &FeedRef) -> Option<Silence> {
        self.feeds.get(feed).and_then(|watch| watch.silence)
    }

    /// Every silent feed.
    pub fn silent_feeds(&self) -> impl Iterator<Item = (&FeedRef, Silence)> {
        self.feeds
            .iter()
            .filter_map(|(feed, watch)| Some((feed, watch.silence?)))
    }

    /// The alert with `id`, if it is still in the history.
    pub fn alert(&self, id: u64) -> Option<&Alert> {
        self.history.iter().find(|alert| alert.id == id)
    }

    /// The history, newest first.
    pub fn history(&self) -> impl Iterator<Item = &Alert> {
        self.history.iter().rev()
    }

    /// Forgets the alerts that have cleared.
    pub fn forget_cleared(&mut self) {
        self.history.retain(|alert| alert.cleared_ms.is_none());
    }

    fn phase(&self, key: &str) -> Phase {
        self.rules.get(key).copied().unwrap_or(Phase::Clear)
    }

    /// Without allocating on the hot path: a key is copied only the first time its rule leaves
    /// `Clear`.
    fn set_phase(&mut self, key: &str, phase: Phase) {
        match self.rules.get_mut(key) {
            Some(kept) => *kept = phase,
            None if phase != Phase::Clear => {
                self.rules.insert(key.to_owned(), phase);
            }
            None => {}
        }
    }

    fn fire(&mut self, key: &str, rule: &Rule, value: Option<&Value>, at_ms: f64) -> u64 {
        self.next_alert += 1;
        let id = self.next_alert;
        if self.history.len() >= HISTORY_LIMIT {
            // The oldest cleared alert makes room; one still firing is kept while it lasts.
            match self.history.iter().position(|a| a.cleared_ms.is_some()) {
                Some(index) => {
                    self.history.remove(index);
                }
                None => {
                    self.history.pop_front();
                }
            }
        }
        self.history.push_back(Alert {
            id,
            rule_key: key.to_owned(),
            rule: rule.describe(),
            feed: rule.feed.clone(),
            value: value.map(ToString::to_string),
            fired_ms: at_ms,
            cleared_ms: None,
        });
        self.events.push_back(WatchEvent::Fired(id));
        id
    }

    fn clear(&mut self, id: u64, at_ms: f64) {
        if let Some(alert) = self.history.iter_mut().find(|alert| alert.id == id) {
            alert.cleared_ms.get_or_insert(at_ms);
        }
        self.events.push_back(WatchEvent::Cleared(id));
    }
}
