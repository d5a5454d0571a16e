//! The latest value of every topic seen, with per-topic and total message counts.

use crate::mqtt::{Message, QoS};
use std::collections::BTreeMap;

/// The newest message on one topic.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicRow {
    /// Topic name.
    pub topic: String,
    /// Newest payload.
    pub payload: Vec<u8>,
    /// Messages received on this topic.
    pub count: u64,
    /// Wall-clock time of the newest message, ms since the Unix epoch.
    pub received_at_ms: f64,
    /// Whether the newest message came from the broker's retained store.
    pub retained: bool,
    /// QoS of the newest message.
    pub qos: QoS,
}

/// Latest values keyed by topic, in topic order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatestValues {
    rows: BTreeMap<String, TopicRow>,
    total: u64,
}

impl LatestValues {
    /// Records a received message.
    pub fn record(&mut self, message: Message, received_at_ms: f64) {
        self.total += 1;
        let Message {
            topic,
            payload,
            qos,
            retain,
            ..
        } = message;
        match self.rows.get_mut(&topic) {
            Some(row) => {
                row.payload = payload;
                row.count += 1;
                row.received_at_ms = received_at_ms;
                row.retained = retain;
                row.qos = qos;
            }
            None => {
                self.rows.insert(
                    topic.clone(),
                    TopicRow {
                        topic,
                        payload,
                        count: 1,
                        received_at_ms,
                        retained: retain,
                        qos,
                    },
                );
            }
        }
    }

    /// Every topic's newest message, in topic order.
    pub fn rows(&self) -> impl Iterator<Item = &TopicRow> {
        self.rows.values()
    }

    /// The newest message on `topic`.
    pub fn get(&self, topic: &str) -> Option<&TopicRow> {
        self.rows.get(topic)
    }

    /// Messages received in all.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Number of distinct topics.
    pub fn topic_count(&self) -> usize {
        self.rows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str, payload: &str) -> Message {
        Message {
            topic: topic.into(),
            payload: payload.into(),
            qos: QoS::AtMostOnce,
            retain: false,
            duplicate: false,
        }
    }

    #[test]
    fn each_topic_keeps_its_newest_payload_and_its_own_count() {
        let mut latest = LatestValues::default();
        latest.record(message("b", "1"), 1.0);
        latest.record(message("a", "x"), 2.0);
        latest.record(message("b", "2"), 3.0);
        assert_eq!(latest.total(), 3);
        assert_eq!(latest.topic_count(), 2);
        let b = latest.get("b").expect("b was recorded");
        assert_eq!(
            (b.payload.as_slice(), b.count, b.received_at_ms),
            (&b"2"[..], 2, 3.0)
        );
        let order: Vec<&str> = latest.rows().map(|row| row.topic.as_str()).collect();
        assert_eq!(order, vec!["a", "b"]);
    }
}
