//! Outgoing QoS 1 and QoS 2 publishes that the broker has not fully acknowledged yet.
//!
//! Entries keep their original order, so that after a reconnect they are sent again in the order
//! the user made them (MQTT 3.1.1, section 4.6).

use super::QoS;
use std::collections::{BTreeSet, VecDeque};

/// Where an outgoing publish is in its acknowledgement flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for PUBACK (QoS 1) or PUBREC (QoS 2). `sent` says whether the PUBLISH went out on
    /// some connection, so a resend must carry the DUP flag.
    AwaitingAck { sent: bool },
    /// QoS 2: PUBREC arrived and PUBREL was sent; waiting for PUBCOMP.
    AwaitingComplete,
}

/// An outgoing publish owned by the session until the broker acknowledges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingPublish {
    /// The packet identifier that ties the acknowledgements to it.
    pub packet_id: u16,
    /// Topic name.
    pub topic: String,
    /// Payload bytes.
    pub payload: Vec<u8>,
    /// QoS 1 or 2.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
    /// Acknowledgement progress.
    pub stage: Stage,
}

/// The ordered set of unacknowledged outgoing publishes.
#[derive(Debug, Default, Clone)]
pub struct Outbox {
    entries: VecDeque<OutgoingPublish>,
    /// The packet ids of `entries`, so that finding a free id stays cheap with many in flight.
    ids: BTreeSet<u16>,
}

impl Outbox {
    /// Adds a publish at the end.
    pub fn push(&mut self, publish: OutgoingPublish) {
        self.ids.insert(publish.packet_id);
        self.entries.push_back(publish);
    }

    /// Whether `packet_id` is held by an entry.
    pub fn contains(&self, packet_id: u16) -> bool {
        self.ids.contains(&packet_id)
    }

    /// Number of unacknowledged publishes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether every publish has been acknowledged.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in the order they were made.
    pub fn iter(&self) -> impl Iterator<Item = &OutgoingPublish> {
        self.entries.iter()
    }

    /// Marks every entry awaiting its first acknowledgement as sent.
    pub fn mark_all_sent(&mut self) {
        for entry in &mut self.entries {
            if let Stage::AwaitingAck { sent } = &mut entry.stage {
                *sent = true;
            }
        }
    }

    /// Marks the entry with `packet_id` as sent (its next transmission carries DUP).
    pub fn mark_sent(&mut self, packet_id: u16) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.packet_id == packet_id) {
            if let Stage::AwaitingAck { sent } = &mut entry.stage {
                *sent = true;
            }
        }
    }

    /// The entry with `packet_id`.
    pub fn get(&self, packet_id: u16) -> Option<&OutgoingPublish> {
        self.entries.iter().find(|e| e.packet_id == packet_id)
    }

    /// Removes and returns the entry with `packet_id` if it is in `expected_qos` at `stage`.
    /// An acknowledgement that matches nothing is ignored by the caller: after a page reload or a
    /// broker-side session, stray acknowledgements are normal.
    pub fn complete(&mut self, packet_id: u16, expected_qos: QoS) -> Option<OutgoingPublish> {
        let index = self.entries.iter().position(|e| {
            e.packet_id == packet_id
                && e.qos == expected_qos
                && match expected_qos {
                    QoS::ExactlyOnce => e.stage == Stage::AwaitingComplete,
                    _ => matches!(e.stage, Stage::AwaitingAck { .. }),
                }
        })?;
        self.ids.remove(&packet_id);
        self.entries.remove(index)
    }

    /// QoS 2: records that PUBREC arrived for `packet_id`. Returns whether an entry matched.
    pub fn release(&mut self, packet_id: u16) -> bool {
        match self
            .entries
            .iter_mut()
            .find(|e| e.packet_id == packet_id && e.qos == QoS::ExactlyOnce)
        {
            Some(entry) => {
                entry.stage = Stage::AwaitingComplete;
                true
            }
            None => false,
        }
    }
}
