//! Publishes waiting for their budget. A control's newer value replaces its older one still
//! waiting (a slider dragged for ten seconds sends its latest position, not a backlog), and
//! waiting publishes leave in the order they were made.

use super::action::{ActionClass, Request};
use super::budgets::{Budgets, Decision, Hold, Refusal};
use crate::mqtt::QoS;
use crate::time::Instant;
use std::collections::BTreeSet;

/// A publish the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingPublish {
    /// Who asked (a card's control); a newer publish from the same slot replaces this one.
    pub slot: String,
    /// Topic.
    pub topic: String,
    /// Payload.
    pub payload: Vec<u8>,
    /// QoS.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
    /// What it costs.
    pub request: Request,
}

/// Where a slot's latest publish stands.
#[derive(Debug, Clone, PartialEq)]
pub enum SlotState {
    /// Waiting for its budget.
    Queued {
        /// When it may go.
        until: Instant,
        /// Why it waits.
        hold: Hold,
        /// Newer values that replaced older waiting ones.
        replaced: u32,
    },
    /// Waiting for a connection.
    Offline,
    /// Handed to the connection.
    Sent {
        /// When.
        at: Instant,
    },
    /// It will not be sent.
    Refused(Refusal),
}

#[derive(Debug, Clone, PartialEq)]
struct Waiting {
    publish: PendingPublish,
    replaced: u32,
    hold: Option<(Instant, Hold)>,
}

/// The queue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublishQueue {
    waiting: Vec<Waiting>,
    outcomes: Vec<(String, SlotState)>,
}

impl PublishQueue {
    /// Adds a publish; a waiting one from the same slot is replaced in its place.
    pub fn submit(&mut self, publish: PendingPublish) {
        self.outcomes.retain(|(slot, _)| *slot != publish.slot);
        match self
            .waiting
            .iter_mut()
            .find(|w| w.publish.slot == publish.slot)
        {
            Some(waiting) => {
                waiting.publish = publish;
                waiting.replaced += 1;
            }
            None => self.waiting.push(Waiting {
                publish,
                replaced: 0,
                hold: None,
            }),
        }
    }

    /// Takes out every publish that may go at `now`, committing its cost to `budgets`. Nothing
    /// leaves while `connected` is false. A publish that waits holds back later ones of the same
    /// classes, so they keep their order.
    pub fn release(
        &mut self,
        now: Instant,
        budgets: &mut Budgets,
        connected: bool,
    ) -> Vec<PendingPublish> {
        if !connected {
            return Vec::new();
        }
        let mut held_classes: BTreeSet<ActionClass> = BTreeSet::new();
        let mut banned = false;
        let mut released = Vec::new();
        let mut kept = Vec::new();
        for mut waiting in std::mem::take(&mut self.waiting) {
            let classes = classes_of(&waiting.publish.request);
            if banned || classes.iter().any(|c| held_classes.contains(c)) {
                kept.push(waiting);
                continue;
            }
            match budgets.try_commit(now, &waiting.publish.request) {
                Decision::Go => {
                    self.note(&waiting.publish.slot, SlotState::Sent { at: now });
                    released.push(waiting.publish);
                }
                Decision::Wait { until, hold } => {
                    waiting.hold = Some((until, hold));
                    // Later publishes needing the same budget queue behind this one.
                    match hold {
                        Hold::Banned => banned = true,
                        Hold::Budget(class)
                        | Hold::Paused(class)
                        | Hold::TooManyRefusals(class) => {
                            held_classes.insert(class);
                        }
                    }
                    kept.push(waiting);
                }
                Decision::Refuse(refusal) => {
                    self.note(&waiting.publish.slot, SlotState::Refused(refusal));
                }
            }
        }
        self.waiting = kept;
        released
    }

    fn note(&mut self, slot: &str, state: SlotState) {
        self.outcomes.retain(|(s, _)| s != slot);
        self.outcomes.push((slot.to_owned(), state));
        // Outcomes are for the controls on the page; a few hundred is plenty.
        if self.outcomes.len() > 256 {
            self.outcomes.remove(0);
        }
    }

    /// When the next waiting publish may go, if any waits on a budget.
    pub fn next_wake(&self) -> Option<Instant> {
        self.waiting
            .iter()
            .filter_map(|w| w.hold.map(|(until, _)| until))
            .min()
    }

    /// Where `slot`'s latest publish stands, if it made one.
    pub fn state(&self, slot: &str) -> Option<SlotState> {
        if let Some(waiting) = self.waiting.iter().find(|w| w.publish.slot == slot) {
            return Some(match waiting.hold {
                Some((until, hold)) => SlotState::Queued {
                    until,
                    hold,
                    replaced: waiting.replaced,
                },
                None => SlotState::Offline,
            });
        }
        self.outcomes
            .iter()
            .find(|(s, _)| s == slot)
            .map(|(_, state)| state.clone())
    }

    /// Publishes waiting, oldest first.
    pub fn waiting(&self) -> impl Iterator<Item = &PendingPublish> {
        self.waiting.iter().map(|w| &w.publish)
    }

    /// Drops every waiting publish of `slot` (its control went away).
    pub fn cancel(&mut self, slot: &str) {
        self.waiting.retain(|w| w.publish.slot != slot);
    }
}

fn classes_of(request: &Request) -> Vec<ActionClass> {
    match request {
        Request::Publish { channel, .. } => {
            let mut classes = vec![ActionClass::Data, ActionClass::FailedPublish];
            classes.extend(channel.map(ActionClass::ChannelUpdate));
            classes
        }
        Request::Subscribe { .. } => vec![ActionClass::Subscribe],
        Request::Connect { .. } => vec![ActionClass::Connect],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::budgets::{BudgetSettings, PlanChoice};
    use crate::service::descriptor::{ADAFRUIT_IO, THINGSPEAK};

    fn at_ms(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    fn slider(value: u32) -> PendingPublish {
        PendingPublish {
            slot: "card-1".into(),
            topic: "u/feeds/dimmer".into(),
            payload: value.to_string().into_bytes(),
            qos: QoS::AtMostOnce,
            retain: false,
            request: Request::Publish {
                topic: "u/feeds/dimmer".into(),
                data_points: 1,
                channel: None,
            },
        }
    }

    fn free_adafruit() -> Budgets {
        Budgets::new(
            &ADAFRUIT_IO,
            &BudgetSettings {
                plan: PlanChoice::Named("free".into()),
                margin: 0.1,
            },
        )
    }

    #[test]
    fn a_slider_moved_500_times_in_10_s_sends_within_the_budget_and_its_last_value() {
        let mut budgets = free_adafruit();
        let mut queue = PublishQueue::default();
        let mut sent: Vec<(u64, PendingPublish)> = Vec::new();
        // 500 moves over 10 s, then a minute and a half for the queue to drain.
        for step in 0..500u32 {
            let ms = u64::from(step) * 20;
            queue.submit(slider(step));
            let released = queue.release(at_ms(ms), &mut budgets, true);
            sent.extend(released.into_iter().map(|p| (ms, p)));
        }
        for second in 10..100u64 {
            let released = queue.release(at_ms(second * 1000), &mut budgets, true);
            sent.extend(released.into_iter().map(|p| (second * 1000, p)));
        }
        for (start, _) in &sent {
            let in_minute = sent
                .iter()
                .filter(|(t, _)| t >= start && *t < start + 60_000)
                .count();
            assert!(in_minute <= 27, "{in_minute} in the minute from {start} ms");
        }
        assert_eq!(
            sent.len(),
            28,
            "27 in the first minute, the last value after it"
        );
        assert_eq!(
            sent.last().map(|(_, p)| p.payload.clone()),
            Some(b"499".to_vec()),
            "the last position arrives"
        );
        assert_eq!(
            queue
                .state("card-1")
                .map(|s| matches!(s, SlotState::Sent { .. })),
            Some(true)
        );
    }

    #[test]
    fn a_waiting_value_says_when_it_goes_and_how_many_it_replaced() {
        let mut budgets = free_adafruit();
        for _ in 0..27 {
            budgets.commit(at_ms(0), &slider(0).request);
        }
        let mut queue = PublishQueue::default();
        queue.submit(slider(1));
        queue.submit(slider(2));
        assert!(queue.release(at_ms(1000), &mut budgets, true).is_empty());
        assert_eq!(
            queue.state("card-1"),
            Some(SlotState::Queued {
                until: at_ms(60_000),
                hold: Hold::Budget(ActionClass::Data),
                replaced: 1
            })
        );
        assert_eq!(queue.next_wake(), Some(at_ms(60_000)));
        let released = queue.release(at_ms(60_000), &mut budgets, true);
        assert_eq!(released.len(), 1);
        assert_eq!(released[0].payload, b"2");
    }

    #[test]
    fn offline_nothing_leaves_and_order_is_kept_per_class() {
        let mut budgets = free_adafruit();
        let mut queue = PublishQueue::default();
        queue.submit(slider(1));
        assert!(queue.release(at_ms(0), &mut budgets, false).is_empty());
        assert_eq!(queue.state("card-1"), Some(SlotState::Offline));
        let mut other = slider(7);
        other.slot = "card-2".into();
        queue.submit(other);
        let released = queue.release(at_ms(0), &mut budgets, true);
        let slots: Vec<&str> = released.iter().map(|p| p.slot.as_str()).collect();
        assert_eq!(slots, vec!["card-1", "card-2"]);
    }

    #[test]
    fn a_refused_publish_is_reported_not_kept() {
        let mut budgets = free_adafruit();
        let mut queue = PublishQueue::default();
        let mut group = slider(1);
        group.request = Request::Publish {
            topic: "u/groups/huge".into(),
            data_points: 50,
            channel: None,
        };
        queue.submit(group);
        assert!(queue.release(at_ms(0), &mut budgets, true).is_empty());
        assert!(matches!(
            queue.state("card-1"),
            Some(SlotState::Refused(Refusal::TooCostly { cost: 50, .. }))
        ));
        assert_eq!(queue.waiting().count(), 0);
    }

    #[test]
    fn channels_do_not_hold_each_other_back() {
        let mut budgets = Budgets::new(&THINGSPEAK, &BudgetSettings::default());
        let mut queue = PublishQueue::default();
        let form = |slot: &str, channel: u64, text: &str| PendingPublish {
            slot: slot.into(),
            topic: format!("channels/{channel}/publish"),
            payload: text.as_bytes().to_vec(),
            qos: QoS::AtMostOnce,
            retain: false,
            request: Request::Publish {
                topic: format!("channels/{channel}/publish"),
                data_points: 1,
                channel: Some(channel),
            },
        };
        queue.submit(form("a", 1, "field1=1"));
        assert_eq!(queue.release(at_ms(0), &mut budgets, true).len(), 1);
        queue.submit(form("a", 1, "field1=2&field2=5"));
        queue.submit(form("b", 2, "field1=9"));
        let released = queue.release(at_ms(1000), &mut budgets, true);
        assert_eq!(released.len(), 1, "channel 2 goes while channel 1 waits");
        assert_eq!(released[0].slot, "b");
        assert!(matches!(queue.state("a"), Some(SlotState::Queued { .. })));
    }
}
