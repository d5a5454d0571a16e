//! The Limits pane's history: every notice the service sent and every action the budgets held
//! back or refused, newest last, bounded.

use crate::budget::budgets::Hold;
use crate::budget::notice::Notice;
use crate::time::Instant;
use std::collections::VecDeque;

/// Entries kept.
pub const HISTORY: usize = 300;

/// What an entry records.
#[derive(Debug, Clone, PartialEq)]
pub enum MonitorKind {
    /// The service said this (on Adafruit IO's `{user}/throttle` or `{user}/errors`).
    Notice(Notice),
    /// The client held an action back.
    Held {
        /// What was held, in words.
        action: String,
        /// Until when.
        until: Instant,
        /// Why.
        hold: Hold,
    },
    /// The client refused an action.
    Refused {
        /// What was refused, in words.
        action: String,
        /// Why, in words.
        reason: String,
    },
}

/// One entry.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorEntry {
    /// When it happened.
    pub at: Instant,
    /// What happened.
    pub kind: MonitorKind,
}

/// The history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Monitor {
    entries: VecDeque<MonitorEntry>,
}

impl Monitor {
    /// Records `kind` at `at`. The same action held again for the same reason updates the last
    /// entry's end instead of adding one (a slider dragged past its budget is one line).
    pub fn record(&mut self, at: Instant, kind: MonitorKind) {
        if let (
            Some(MonitorEntry {
                kind:
                    MonitorKind::Held {
                        action,
                        hold,
                        until,
                    },
                ..
            }),
            MonitorKind::Held {
                action: new_action,
                hold: new_hold,
                until: new_until,
            },
        ) = (self.entries.back_mut(), &kind)
        {
            if action == new_action && hold == new_hold {
                *until = *new_until;
                return;
            }
        }
        self.entries.push_back(MonitorEntry { at, kind });
        while self.entries.len() > HISTORY {
            self.entries.pop_front();
        }
    }

    /// Records that `action` was held back until `until` because of `hold`.
    pub fn held(&mut self, at: Instant, action: impl Into<String>, until: Instant, hold: Hold) {
        let action = action.into();
        self.record(
            at,
            MonitorKind::Held {
                action,
                until,
                hold,
            },
        );
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &MonitorEntry> + ExactSizeIterator {
        self.entries.iter()
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing happened yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::action::ActionClass;

    fn held(action: &str, until_ms: u64) -> MonitorKind {
        MonitorKind::Held {
            action: action.into(),
            until: Instant::from_millis(until_ms),
            hold: Hold::Budget(ActionClass::Data),
        }
    }

    #[test]
    fn the_same_action_held_again_extends_one_entry() {
        let mut monitor = Monitor::default();
        monitor.record(Instant::from_millis(0), held("publish to a", 1000));
        monitor.record(Instant::from_millis(10), held("publish to a", 2000));
        monitor.record(Instant::from_millis(20), held("publish to b", 2000));
        let untils: Vec<MonitorKind> = monitor.entries().map(|e| e.kind.clone()).collect();
        assert_eq!(
            untils,
            vec![held("publish to a", 2000), held("publish to b", 2000)]
        );
    }

    #[test]
    fn the_history_keeps_only_its_newest_entries() {
        let mut monitor = Monitor::default();
        for n in 0..(HISTORY as u64 + 50) {
            monitor.record(
                Instant::from_millis(n),
                MonitorKind::Refused {
                    action: format!("publish {n}"),
                    reason: "r".into(),
                },
            );
        }
        assert_eq!(monitor.len(), HISTORY);
        assert_eq!(monitor.entries().next().map(|e| e.at.as_millis()), Some(50));
    }
}
