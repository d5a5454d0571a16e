//! The one table of outgoing publishes: each from the moment the user makes it (it may wait for
//! its budget or for the connection) until it is sent (QoS 0) or acknowledged (QoS 1 and 2).
//!
//! Rules kept here: a control's newer value replaces its older one still waiting (a slider
//! dragged for ten seconds sends its latest position, not a backlog); waiting publishes leave in
//! the order they were made, a held one holding back later ones of the same budget; what is
//! QoS 1 or 2 and not yet acknowledged is what the saved outbox keeps.

use super::saved_publish::SavedPublish;
use super::slot::SlotId;
use crate::budget::action::{ActionClass, Request};
use crate::budget::budgets::{Budgets, Decision, Hold, Refusal};
use crate::mqtt::QoS;
use crate::time::Instant;
use std::collections::{BTreeMap, VecDeque};

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
    /// The budgets will not let it go.
    Refused(Refusal),
    /// The connection could not take it; the text says why.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// Not sent yet; `hold` is the budget's answer at the last try (none: offline).
    Waiting {
        replaced: u32,
        hold: Option<(Instant, Hold)>,
        /// Whether the monitor was told about this wait already.
        reported: bool,
    },
    /// Sent at QoS 1 or 2 under `packet_id`, not yet acknowledged.
    Acknowledging { packet_id: u16 },
}

/// One publish in the table.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    slot: SlotId,
    publish: SavedPublish,
    request: Request,
    stage: Stage,
}

/// A publish carried over to a new connection of the same account.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsent {
    /// Who made it.
    pub slot: SlotId,
    /// What it is.
    pub publish: SavedPublish,
    /// What it costs.
    pub request: Request,
}

/// What one release did, for the budgets shared with other tabs and for the monitor.
#[derive(Debug, Default, PartialEq)]
pub struct Released {
    /// The requests that went (their cost is spent).
    pub went: Vec<Request>,
    /// Publishes that began to wait: topic, until when, why.
    pub held: Vec<(String, Instant, Hold)>,
    /// Publishes the budgets refused: topic, why.
    pub refused: Vec<(String, Refusal)>,
    /// Publishes the connection could not take: topic, why.
    pub failed: Vec<(String, String)>,
}

/// Outcomes kept for the controls on the page; a few hundred is plenty.
const OUTCOMES: usize = 256;

/// The table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outgoing {
    entries: Vec<Entry>,
    outcomes: VecDeque<(SlotId, SlotState)>,
}

impl Outgoing {
    /// Adds a publish; a waiting one from the same slot is replaced in its place.
    pub fn submit(&mut self, slot: SlotId, publish: SavedPublish, request: Request) {
        self.outcomes.retain(|(s, _)| *s != slot);
        let waiting = self
            .entries
            .iter_mut()
            .find(|e| e.slot == slot && matches!(e.stage, Stage::Waiting { .. }));
        match waiting {
            Some(entry) => {
                entry.publish = publish;
                entry.request = request;
                if let Stage::Waiting { replaced, .. } = &mut entry.stage {
                    *replaced += 1;
                }
            }
            None => self.entries.push(Entry {
                slot,
                publish,
                request,
                stage: Stage::Waiting {
                    replaced: 0,
                    hold: None,
                    reported: false,
                },
            }),
        }
    }

    /// Hands every waiting publish that `budgets` allow at `now` to `send`, which returns its
    /// packet id (QoS 1 and 2) or why it could not take it. Nothing leaves while not
    /// `connected`.
    pub fn release(
        &mut self,
        now: Instant,
        budgets: &mut Budgets,
        connected: bool,
        mut send: impl FnMut(&SavedPublish) -> Result<Option<u16>, String>,
    ) -> Released {
        let mut released = Released::default();
        if !connected {
            return released;
        }
        // The first wait of each class; later publishes of the class queue behind it and wait
        // at least as long.
        let mut held_classes: BTreeMap<ActionClass, (Instant, Hold)> = BTreeMap::new();
        let mut banned: Option<(Instant, Hold)> = None;
        let mut outcomes = Vec::new();
        self.entries.retain_mut(|entry| {
            let Stage::Waiting {
                hold: entry_hold,
                reported,
                ..
            } = &mut entry.stage
            else {
                return true;
            };
            let behind = banned
                .or_else(|| classes_of(&entry.request).find_map(|c| held_classes.get(&c).copied()));
            if let Some((until, hold)) = behind {
                *entry_hold = Some((until, hold));
                return true;
            }
            match budgets.try_commit(now, &entry.request) {
                Decision::Go => {
                    released.went.push(entry.request.clone());
                    match send(&entry.publish) {
                        Ok(packet_id) => {
                            outcomes.push((entry.slot.clone(), SlotState::Sent { at: now }));
                            match packet_id {
                                Some(packet_id) => {
                                    entry.stage = Stage::Acknowledging { packet_id };
                                    true
                                }
                                None => false,
                            }
                        }
                        Err(reason) => {
                            released
                                .failed
                                .push((entry.publish.topic.clone(), reason.clone()));
                            outcomes.push((entry.slot.clone(), SlotState::Failed(reason)));
                            false
                        }
                    }
                }
                Decision::Wait { until, hold } => {
                    *entry_hold = Some((until, hold));
                    if !*reported {
                        *reported = true;
                        released
                            .held
                            .push((entry.publish.topic.clone(), until, hold));
                    }
                    // Later publishes needing the same budget queue behind this one.
                    match hold {
                        Hold::Banned => banned = Some((until, hold)),
                        Hold::Budget(class)
                        | Hold::Paused(class)
                        | Hold::TooManyRefusals(class) => {
                            held_classes.entry(class).or_insert((until, hold));
                        }
                    }
                    true
                }
                Decision::Refuse(refusal) => {
                    released
                        .refused
                        .push((entry.publish.topic.clone(), refusal.clone()));
                    outcomes.push((entry.slot.clone(), SlotState::Refused(refusal)));
                    false
                }
            }
        });
        for (slot, state) in outcomes {
            self.note(slot, state);
        }
        released
    }

    fn note(&mut self, slot: SlotId, state: SlotState) {
        self.outcomes.retain(|(s, _)| *s != slot);
        self.outcomes.push_back((slot, state));
        while self.outcomes.len() > OUTCOMES {
            self.outcomes.pop_front();
        }
    }

    /// The broker acknowledged `packet_id`. Returns whether a publish of the table matched.
    pub fn delivered(&mut self, packet_id: u16) -> bool {
        let before = self.entries.len();
        self.entries
            .retain(|e| e.stage != Stage::Acknowledging { packet_id });
        self.entries.len() != before
    }

    /// When the next waiting publish may go, if any waits on a budget.
    pub fn next_wake(&self) -> Option<Instant> {
        self.entries
            .iter()
            .filter_map(|e| match e.stage {
                Stage::Waiting {
                    hold: Some((until, _)),
                    ..
                } => Some(until),
                _ => None,
            })
            .min()
    }

    /// Where `slot`'s latest publish stands, if it made one.
    pub fn state(&self, slot: &SlotId) -> Option<SlotState> {
        let waiting = self.entries.iter().find_map(|e| match &e.stage {
            Stage::Waiting { replaced, hold, .. } if e.slot == *slot => Some((*replaced, *hold)),
            _ => None,
        });
        if let Some((replaced, hold)) = waiting {
            return Some(match hold {
                Some((until, hold)) => SlotState::Queued {
                    until,
                    hold,
                    replaced,
                },
                None => SlotState::Offline,
            });
        }
        self.outcomes
            .iter()
            .find(|(s, _)| s == slot)
            .map(|(_, state)| state.clone())
    }

    /// How many publishes wait to be sent.
    pub fn waiting(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e.stage, Stage::Waiting { .. }))
            .count()
    }

    /// What the saved outbox keeps: every QoS 1 or 2 publish not yet acknowledged, oldest first.
    pub fn saved(&self) -> Vec<SavedPublish> {
        self.kept().cloned().collect()
    }

    /// Whether [`Outgoing::saved`] equals `saved`, without copying anything (asked after every
    /// input, so a burst of messages costs no allocation here).
    pub fn saved_is(&self, saved: &[SavedPublish]) -> bool {
        self.kept().eq(saved.iter())
    }

    fn kept(&self) -> impl Iterator<Item = &SavedPublish> {
        self.entries
            .iter()
            .filter(|e| e.publish.qos != QoS::AtMostOnce)
            .map(|e| &e.publish)
    }

    /// Empties the table into what a new connection of the same account sends again (what was
    /// handed to the old one loses its packet id with it).
    pub fn take_unsent(&mut self) -> Vec<Unsent> {
        std::mem::take(&mut self.entries)
            .into_iter()
            .map(|e| Unsent {
                slot: e.slot,
                publish: e.publish,
                request: e.request,
            })
            .collect()
    }
}

fn classes_of(request: &Request) -> impl Iterator<Item = ActionClass> {
    let (first, second, third) = match request {
        Request::Publish { channel, .. } => (
            ActionClass::Data,
            Some(ActionClass::FailedPublish),
            channel.map(ActionClass::ChannelUpdate),
        ),
        Request::Subscribe { .. } => (ActionClass::Subscribe, None, None),
        Request::Connect { .. } => (ActionClass::Connect, None, None),
        Request::HistoryRead => (ActionClass::HistoryRead, None, None),
    };
    std::iter::once(first).chain(second).chain(third)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::budgets::{BudgetSettings, PlanChoice};
    use crate::link::slot::ControlPart;
    use crate::service::descriptor::{ADAFRUIT_IO, THINGSPEAK};

    fn at_ms(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    fn card(id: u32) -> SlotId {
        SlotId::control(id, ControlPart::Value)
    }

    fn publish(topic: &str, payload: &str, qos: QoS) -> SavedPublish {
        SavedPublish {
            topic: topic.into(),
            payload: payload.as_bytes().to_vec(),
            qos,
            retain: false,
        }
    }

    fn data(topic: &str, points: u32, channel: Option<u64>) -> Request {
        Request::Publish {
            topic: topic.into(),
            data_points: points,
            channel,
        }
    }

    fn submit_slider(table: &mut Outgoing, value: u32) {
        table.submit(
            card(1),
            publish("u/feeds/dimmer", &value.to_string(), QoS::AtMostOnce),
            data("u/feeds/dimmer", 1, None),
        );
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

    /// Releases into a list of (topic, payload) and gives QoS 1/2 packet ids from 1 up.
    fn release_into(
        table: &mut Outgoing,
        now: Instant,
        budgets: &mut Budgets,
        sent: &mut Vec<String>,
    ) -> Released {
        let mut next_id = sent.len() as u16 + 1;
        table.release(now, budgets, true, |p| {
            sent.push(String::from_utf8_lossy(&p.payload).into_owned());
            let id = (p.qos != QoS::AtMostOnce).then_some(next_id);
            next_id += 1;
            Ok(id)
        })
    }

    #[test]
    fn a_waiting_value_says_when_it_goes_and_how_many_it_replaced() {
        let mut budgets = free_adafruit();
        for _ in 0..27 {
            budgets.commit(at_ms(0), &data("u/feeds/dimmer", 1, None));
        }
        let mut table = Outgoing::default();
        submit_slider(&mut table, 1);
        submit_slider(&mut table, 2);
        let mut sent = Vec::new();
        let released = release_into(&mut table, at_ms(1000), &mut budgets, &mut sent);
        assert!(sent.is_empty());
        assert_eq!(released.held.len(), 1, "the monitor hears of the wait once");
        assert_eq!(
            table.state(&card(1)),
            Some(SlotState::Queued {
                until: at_ms(60_000),
                hold: Hold::Budget(ActionClass::Data),
                replaced: 1
            })
        );
        assert_eq!(table.next_wake(), Some(at_ms(60_000)));
        let again = release_into(&mut table, at_ms(2000), &mut budgets, &mut sent);
        assert!(again.held.is_empty(), "the same wait is not reported twice");
        release_into(&mut table, at_ms(60_000), &mut budgets, &mut sent);
        assert_eq!(sent, vec!["2"]);
    }

    #[test]
    fn offline_nothing_leaves_and_order_is_kept() {
        let mut budgets = free_adafruit();
        let mut table = Outgoing::default();
        submit_slider(&mut table, 1);
        let nothing = table.release(at_ms(0), &mut budgets, false, |_| Ok(None));
        assert!(nothing.went.is_empty());
        assert_eq!(table.state(&card(1)), Some(SlotState::Offline));
        table.submit(
            card(2),
            publish("u/feeds/lamp", "ON", QoS::AtMostOnce),
            data("u/feeds/lamp", 1, None),
        );
        let mut sent = Vec::new();
        release_into(&mut table, at_ms(0), &mut budgets, &mut sent);
        assert_eq!(sent, vec!["1", "ON"]);
    }

    #[test]
    fn a_refused_publish_is_reported_not_kept() {
        let mut budgets = free_adafruit();
        let mut table = Outgoing::default();
        table.submit(
            card(1),
            publish("u/groups/huge", "{}", QoS::AtLeastOnce),
            data("u/groups/huge", 50, None),
        );
        assert_eq!(table.saved().len(), 1);
        let released = table.release(at_ms(0), &mut budgets, true, |_| Ok(Some(1)));
        assert_eq!(released.refused.len(), 1);
        assert!(matches!(
            table.state(&card(1)),
            Some(SlotState::Refused(Refusal::TooCostly { cost: 50, .. }))
        ));
        assert_eq!(table.waiting(), 0);
        assert!(
            table.saved().is_empty(),
            "nothing to keep for what never goes"
        );
    }

    #[test]
    fn channels_do_not_hold_each_other_back() {
        let mut budgets = Budgets::new(&THINGSPEAK, &BudgetSettings::default());
        let mut table = Outgoing::default();
        let form = |table: &mut Outgoing, slot: u32, channel: u64, text: &str| {
            let topic = format!("channels/{channel}/publish");
            table.submit(
                card(slot),
                publish(&topic, text, QoS::AtMostOnce),
                data(&topic, 1, Some(channel)),
            )
        };
        let mut sent = Vec::new();
        form(&mut table, 1, 1, "field1=1");
        release_into(&mut table, at_ms(0), &mut budgets, &mut sent);
        form(&mut table, 1, 1, "field1=2&field2=5");
        form(&mut table, 2, 2, "field1=9");
        release_into(&mut table, at_ms(1000), &mut budgets, &mut sent);
        assert_eq!(
            sent,
            vec!["field1=1", "field1=9"],
            "channel 2 goes while 1 waits"
        );
        assert!(matches!(
            table.state(&card(1)),
            Some(SlotState::Queued { .. })
        ));
    }

    #[test]
    fn a_qos1_publish_is_kept_from_when_it_is_made_until_its_acknowledgement() {
        let mut budgets = free_adafruit();
        let mut table = Outgoing::default();
        for (slot, payload) in [(1, "a"), (2, "b")] {
            table.submit(
                card(slot),
                publish("u/feeds/log", payload, QoS::AtLeastOnce),
                data("u/feeds/log", 1, None),
            );
        }
        table.submit(
            card(3),
            publish("u/feeds/log", "fire and forget", QoS::AtMostOnce),
            data("u/feeds/log", 1, None),
        );
        assert_eq!(table.saved().len(), 2, "QoS 0 promises nothing to keep");
        let mut sent = Vec::new();
        release_into(&mut table, at_ms(0), &mut budgets, &mut sent);
        assert_eq!(table.saved().len(), 2, "sent, not yet acknowledged");
        assert!(table.delivered(1));
        assert!(!table.delivered(1));
        assert_eq!(
            table.saved(),
            vec![publish("u/feeds/log", "b", QoS::AtLeastOnce)]
        );
    }

    #[test]
    fn a_newer_waiting_value_replaces_the_older_one_but_not_one_in_flight() {
        let mut budgets = free_adafruit();
        let mut table = Outgoing::default();
        let slide = |table: &mut Outgoing, value: &str| {
            table.submit(
                card(1),
                publish("u/feeds/dimmer", value, QoS::AtLeastOnce),
                data("u/feeds/dimmer", 1, None),
            )
        };
        slide(&mut table, "1");
        let mut sent = Vec::new();
        release_into(&mut table, at_ms(0), &mut budgets, &mut sent);
        slide(&mut table, "2");
        slide(&mut table, "3");
        let payloads: Vec<Vec<u8>> = table.saved().into_iter().map(|p| p.payload).collect();
        assert_eq!(payloads, vec![b"1".to_vec(), b"3".to_vec()]);
    }

    #[test]
    fn a_publish_the_connection_cannot_take_is_failed_and_not_kept() {
        let mut budgets = free_adafruit();
        let mut table = Outgoing::default();
        table.submit(
            card(1),
            publish("u/feeds/x", "1", QoS::AtLeastOnce),
            data("u/feeds/x", 1, None),
        );
        let released = table.release(at_ms(0), &mut budgets, true, |_| {
            Err("no packet id is free".to_owned())
        });
        assert_eq!(released.failed.len(), 1);
        assert_eq!(
            table.state(&card(1)),
            Some(SlotState::Failed("no packet id is free".into()))
        );
        assert!(table.saved().is_empty());
    }
}
