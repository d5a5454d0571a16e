//! What the watcher watches for: the rules and the users' update intervals of every dashboard
//! of the connection in use, gathered once whenever a dashboard changes.

use crate::dashboard::board::Dashboard;
use crate::dashboard::rule::Rule;
use crate::service::feed_ref::FeedRef;
use std::collections::HashMap;

/// The rules (each once, with its key) and the intervals set by the user.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WatchPlan {
    rules: Vec<(String, Rule)>,
    expected_ms: HashMap<FeedRef, f64>,
}

impl WatchPlan {
    /// The plan of these dashboards (all of a connection's tabs are watched, not only the
    /// one shown; a rule held by two tabs alerts once).
    pub fn of<'a>(dashboards: impl IntoIterator<Item = &'a Dashboard>) -> Self {
        let mut plan = Self::default();
        for board in dashboards {
            for rule in board.rules() {
                let key = rule.key();
                if !plan.rules.iter().any(|(kept, _)| *kept == key) {
                    plan.rules.push((key, rule.clone()));
                }
            }
            // The shortest interval any card sets for a feed.
            for card in board.cards() {
                let Some(ms) = card.expect_every_s.map(|seconds| seconds * 1000.0) else {
                    continue;
                };
                for feed in &card.feeds {
                    let kept = plan.expected_ms.entry(feed.clone()).or_insert(ms);
                    *kept = kept.min(ms);
                }
            }
        }
        plan
    }

    /// The rules with their keys.
    pub fn rules(&self) -> impl Iterator<Item = (&str, &Rule)> {
        self.rules.iter().map(|(key, rule)| (key.as_str(), rule))
    }

    /// The interval the user set for `feed`, in ms.
    pub fn expected_ms(&self, feed: &FeedRef) -> Option<f64> {
        self.expected_ms.get(feed).copied()
    }

    /// Whether the plan holds the rule with `key`.
    pub fn has_rule(&self, key: &str) -> bool {
        self.rules.iter().any(|(kept, _)| kept == key)
    }
}
