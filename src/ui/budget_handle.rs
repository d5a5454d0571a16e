//! The UI's handle on the rate budgets: the current connection's budgets, shared with the other
//! tabs of the account, the publishes waiting for them, and the monitor's history of what the
//! service said and what the client held back.

use crate::budget::action::Request;
use crate::budget::budgets::{
    BudgetSettings, Budgets, Decision, Hold, Meter, NoticeEffect, Refusal,
};
use crate::budget::ledger::account_prefix;
use crate::budget::notice::Notice;
use crate::budget::publish_queue::{PendingPublish, PublishQueue, SlotState};
use crate::platform::clock::{now, wall_clock_millis};
use crate::platform::shared_budget::{RemoteChange, SharedBudget};
use crate::service::descriptor::ServiceDescriptor;
use crate::service::ServiceKind;
use crate::time::Instant;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Monitor entries kept.
const HISTORY: usize = 300;

/// What the monitor lists.
#[derive(Debug, Clone, PartialEq)]
pub enum MonitorKind {
    /// The service said this (on `{u}/throttle` or `{u}/errors`).
    Notice(Notice),
    /// The client held an action back until then (wall clock).
    Held {
        /// What was held.
        action: String,
        /// Until when, ms since the Unix epoch.
        until_ms: f64,
        /// Why.
        hold: Hold,
    },
    /// The client refused an action.
    Refused {
        /// What was refused.
        action: String,
        /// Why, in words.
        reason: String,
    },
}

/// One monitor entry.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorEntry {
    /// When, ms since the Unix epoch.
    pub at_ms: f64,
    /// What.
    pub kind: MonitorKind,
}

struct BudgetState {
    budgets: Budgets,
    queue: PublishQueue,
    shared: Option<SharedBudget>,
    /// Service and account the budgets are for.
    owner: (ServiceKind, Option<String>),
    tab_id: String,
    /// Slots whose current wait is in the history already.
    held_slots: BTreeSet<String>,
}

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct BudgetHandle {
    state: StoredValue<BudgetState, LocalStorage>,
    revision: RwSignal<u64>,
    history: RwSignal<Vec<MonitorEntry>>,
    limited: RwSignal<bool>,
}

/// The wall-clock time of monotonic `at`, as seen `now`.
fn wall_of(at: Instant, now: Instant, now_wall: f64) -> f64 {
    now_wall + at.as_millis() as f64 - now.as_millis() as f64
}

/// The monotonic time of wall-clock `at_wall`, as seen `now`.
fn instant_of(at_wall: f64, now: Instant, now_wall: f64) -> Instant {
    let offset = (now_wall - at_wall).round();
    if offset >= 0.0 {
        Instant::from_millis(now.as_millis().saturating_sub(offset as u64))
    } else {
        Instant::from_millis(now.as_millis().saturating_add((-offset) as u64))
    }
}

impl BudgetHandle {
    /// Budgets for a plain broker (nothing limited) until [`BudgetHandle::configure`].
    pub fn new() -> Self {
        let tab_id = format!(
            "{:08x}",
            (js_sys::Math::random() * f64::from(u32::MAX)) as u32
        );
        Self {
            state: StoredValue::new_local(BudgetState {
                budgets: Budgets::new(
                    ServiceDescriptor::of(ServiceKind::Generic),
                    &BudgetSettings::default(),
                ),
                queue: PublishQueue::default(),
                shared: None,
                owner: (ServiceKind::Generic, None),
                tab_id,
                held_slots: BTreeSet::new(),
            }),
            revision: RwSignal::new(0),
            history: RwSignal::new(Vec::new()),
            limited: RwSignal::new(false),
        }
    }

    /// Budgets for `service` and `account` with `settings`. Waiting publishes stay when the
    /// service and account stay.
    pub fn configure(
        &self,
        service: ServiceKind,
        account: Option<&str>,
        settings: &BudgetSettings,
    ) {
        let budgets = Budgets::new(ServiceDescriptor::of(service), settings);
        let limited = !budgets.is_unlimited();
        let account = account.map(str::to_owned).filter(|a| !a.is_empty());
        self.state.update_value(|state| {
            let owner = (service, account.clone());
            if state.owner != owner {
                state.queue = PublishQueue::default();
                state.held_slots.clear();
            }
            state.shared = if limited {
                let prefix = account_prefix(service, account.as_deref().unwrap_or(""));
                SharedBudget::open(&prefix, &state.tab_id)
            } else {
                None
            };
            state.owner = owner;
            state.budgets = budgets;
        });
        self.limited.set(limited);
        self.sync();
        self.changed();
    }

    fn changed(&self) {
        self.revision.update(|r| *r += 1);
    }

    fn remember(&self, kind: MonitorKind) {
        let entry = MonitorEntry {
            at_ms: wall_clock_millis(),
            kind,
        };
        self.history.update(|history| {
            // The same action held for the same reason again: one entry, with the new end.
            if let (
                Some(MonitorEntry {
                    kind:
                        MonitorKind::Held {
                            action,
                            hold,
                            until_ms,
                        },
                    ..
                }),
                MonitorKind::Held {
                    action: new_action,
                    hold: new_hold,
                    until_ms: new_until,
                },
            ) = (history.last_mut(), &entry.kind)
            {
                if action == new_action && hold == new_hold {
                    *until_ms = *new_until;
                    return;
                }
            }
            history.push(entry);
            let excess = history.len().saturating_sub(HISTORY);
            history.drain(..excess);
        });
    }

    /// Takes in what the other tabs of the account spent and were told.
    pub fn sync(&self) {
        let (now, wall) = (now(), wall_clock_millis());
        self.state.update_value(|state| {
            let Some(shared) = state.shared.as_mut() else {
                return;
            };
            for change in shared.read_others(wall) {
                match change {
                    RemoteChange::Spend(spend) => {
                        let at = instant_of(spend.at_wall_ms, now, wall);
                        state.budgets.record_elsewhere(at, spend.class, spend.cost);
                    }
                    RemoteChange::Pause(class, until) => {
                        state.budgets.pause(class, instant_of(until, now, wall));
                    }
                    RemoteChange::Ban(until) => {
                        state.budgets.ban_until(instant_of(until, now, wall));
                    }
                }
            }
        });
    }

    /// Tells the other tabs what `request` spent.
    fn share_spend(state: &mut BudgetState, request: &Request, wall: f64) {
        if let Some(shared) = state.shared.as_mut() {
            for (class, cost) in Budgets::costs(request) {
                if cost > 0 {
                    shared.spend(class, cost, wall);
                }
            }
        }
    }

    /// Asks whether `request` (described as `action` for the monitor) may go now; if so, it is
    /// counted here and in the other tabs.
    pub fn decide(&self, request: &Request, action: &str) -> Decision {
        self.sync();
        let (now, wall) = (now(), wall_clock_millis());
        let decision = self
            .state
            .try_update_value(|state| {
                let decision = state.budgets.try_commit(now, request);
                if decision == Decision::Go {
                    Self::share_spend(state, request, wall);
                }
                decision
            })
            .unwrap_or(Decision::Go);
        match &decision {
            Decision::Go => {}
            Decision::Wait { until, hold } => self.remember(MonitorKind::Held {
                action: action.to_owned(),
                until_ms: wall_of(*until, now, wall),
                hold: *hold,
            }),
            Decision::Refuse(refusal) => self.remember(MonitorKind::Refused {
                action: action.to_owned(),
                reason: refusal.to_string(),
            }),
        }
        self.changed();
        decision
    }

    /// Queues a publish; [`BudgetHandle::release`] hands out what may go.
    pub fn submit(&self, publish: PendingPublish) {
        self.state.update_value(|state| state.queue.submit(publish));
        self.changed();
    }

    /// The waiting publishes that may go now, counted (nothing while not `connected`).
    pub fn release(&self, connected: bool) -> Vec<PendingPublish> {
        self.sync();
        let (now, wall) = (now(), wall_clock_millis());
        let mut newly_held = Vec::new();
        let released = self
            .state
            .try_update_value(|state| {
                let released = state.queue.release(now, &mut state.budgets, connected);
                for publish in &released {
                    Self::share_spend(state, &publish.request, wall);
                    state.held_slots.remove(&publish.slot);
                }
                let waiting: Vec<(String, String)> = state
                    .queue
                    .waiting()
                    .map(|p| (p.slot.clone(), p.topic.clone()))
                    .collect();
                for (slot, topic) in waiting {
                    if let Some(SlotState::Queued { until, hold, .. }) = state.queue.state(&slot) {
                        if state.held_slots.insert(slot) {
                            newly_held.push((topic, until, hold));
                        }
                    }
                }
                released
            })
            .unwrap_or_default();
        for (topic, until, hold) in newly_held {
            self.remember(MonitorKind::Held {
                action: format!("publish to {topic}"),
                until_ms: wall_of(until, now, wall),
                hold,
            });
        }
        self.changed();
        released
    }

    /// When the next waiting publish may go.
    pub fn next_wake(&self) -> Option<Instant> {
        self.state.with_value(|state| state.queue.next_wake())
    }

    /// Where a control's latest publish stands (re-read when anything changes).
    pub fn slot_state(&self, slot: &str) -> Option<SlotState> {
        self.revision.track();
        self.state.with_value(|state| state.queue.state(slot))
    }

    /// Acts on notices from the service; returns what the connection must act on.
    pub fn apply_notices(&self, notices: &[Notice]) -> Vec<NoticeEffect> {
        if notices.is_empty() {
            return Vec::new();
        }
        let (now, wall) = (now(), wall_clock_millis());
        let effects = self
            .state
            .try_update_value(|state| {
                let mut effects = Vec::new();
                for notice in notices {
                    effects.extend(state.budgets.apply_notice(now, notice));
                }
                // The other tabs hold back too.
                let meters = state.budgets.meters(now);
                let ban = state.budgets.banned_until(now);
                if let Some(shared) = state.shared.as_mut() {
                    for meter in &meters {
                        if let Some(until) = meter.level.paused_until.filter(|u| Some(*u) != ban) {
                            shared.pause(meter.class, wall_of(until, now, wall), wall);
                        }
                    }
                    if let Some(until) = ban {
                        shared.ban(wall_of(until, now, wall));
                    }
                }
                effects
            })
            .unwrap_or_default();
        for notice in notices {
            self.remember(MonitorKind::Notice(notice.clone()));
        }
        self.changed();
        effects
    }

    /// Why publishing to `topic` stopped, in words, if the service refused it.
    pub fn blocked(&self, topic: &str) -> Option<String> {
        self.revision.track();
        let reason = self
            .state
            .with_value(|state| state.budgets.blocked_topics().get(topic).cloned())?;
        Some(
            Refusal::Blocked {
                topic: topic.to_owned(),
                reason,
            }
            .to_string(),
        )
    }

    /// Lets publishing to `topic` go again.
    pub fn unblock(&self, topic: &str) {
        self.state
            .update_value(|state| state.budgets.unblock(topic));
        self.changed();
    }

    /// Every limited class's meter now (reads the other tabs first). Reactive on changes;
    /// callers that show countdowns also follow the page clock.
    pub fn meters(&self) -> Vec<Meter> {
        self.revision.track();
        self.sync();
        let now = now();
        self.state.with_value(|state| state.budgets.meters(now))
    }

    /// The ban in force, as wall-clock ms, if any.
    pub fn banned_until_ms(&self) -> Option<f64> {
        self.revision.track();
        let (now, wall) = (now(), wall_clock_millis());
        self.state
            .with_value(|state| state.budgets.banned_until(now))
            .map(|until| wall_of(until, now, wall))
    }

    /// The wall-clock time of a monotonic instant.
    pub fn wall_time(&self, at: Instant) -> f64 {
        wall_of(at, now(), wall_clock_millis())
    }

    /// Whether the connection has limits at all.
    pub fn limited(&self) -> Signal<bool> {
        self.limited.into()
    }

    /// The monitor's history, oldest first.
    pub fn history(&self) -> Signal<Vec<MonitorEntry>> {
        self.history.into()
    }

    /// Whether the other tabs can be told (the browser gave storage).
    pub fn shared_between_tabs(&self) -> bool {
        self.revision.track();
        self.state.with_value(|state| state.shared.is_some())
    }
}

impl Default for BudgetHandle {
    fn default() -> Self {
        Self::new()
    }
}
