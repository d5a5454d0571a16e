//! ThingSpeak's observable behaviour: channel updates accepted at most once per window per
//! channel (early ones silently dropped), entry ids, and the JSON and field messages that
//! subscribers receive.

use crate::http_api::{Answer, Head};
use crate::rules::{PublishOutcome, ServicePublish};
use crate::thingspeak_history::ThingSpeakHistory;
use feedboard::mqtt::QoS;
use feedboard::service::thingspeak::{ChannelEntry, ChannelUpdate, ThingSpeakTopic};
use feedboard::service::value::Location;
use feedboard::time::calendar::iso8601_seconds;
use feedboard::time::Instant;
use std::collections::HashMap;
use std::time::Duration;

#[derive(Debug, Default)]
struct Channel {
    last_accepted: Option<Instant>,
    entry_id: u64,
}

/// ThingSpeak, as far as a client can observe it.
#[derive(Debug)]
pub struct ThingSpeakService {
    window: Duration,
    channels: HashMap<u64, Channel>,
    /// Every accepted entry, for the HTTP API.
    pub history: ThingSpeakHistory,
}

impl ThingSpeakService {
    /// Accepts one update per channel every `window` (15 s on the free licence).
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            channels: HashMap::new(),
            history: ThingSpeakHistory::default(),
        }
    }

    /// Answers an HTTP GET at wall-clock `wall_ms`.
    pub fn answer_http(&self, head: &Head, wall_ms: u64) -> Answer {
        self.history.answer(head, wall_ms)
    }

    /// Keeps an entry of `channel` with `fields` as if accepted at `ms`, for seeding history.
    pub fn store_at(&mut self, channel: u64, ms: u64, fields: [Option<String>; 8]) {
        let state = self.channels.entry(channel).or_default();
        state.entry_id += 1;
        let entry = ChannelEntry {
            channel_id: channel,
            entry_id: state.entry_id,
            created_at: iso8601_seconds(i64::try_from(ms).unwrap_or(i64::MAX)),
            fields,
            location: None,
            status: None,
        };
        self.history.record(ms, entry);
    }

    /// A client's PUBLISH; `epoch_ms` is the wall clock for `created_at`.
    pub fn on_publish(
        &mut self,
        now: Instant,
        epoch_ms: u64,
        topic: &str,
        payload: &[u8],
        qos: QoS,
    ) -> PublishOutcome {
        let mut outcome = PublishOutcome::default();
        // QoS 0 only: anything else is not acknowledged (and so not accepted).
        if qos != QoS::AtMostOnce {
            return outcome;
        }
        let text = String::from_utf8_lossy(payload);
        let (channel, update) = match ThingSpeakTopic::parse(topic) {
            Some(ThingSpeakTopic::ChannelPublish { channel }) => {
                (channel, ChannelUpdate::decode_form(&text))
            }
            Some(ThingSpeakTopic::FieldPublish { channel, field }) => {
                let mut update = ChannelUpdate::default();
                update.fields[usize::from(field) - 1] = Some(text.into_owned());
                (channel, update)
            }
            _ => return outcome,
        };
        if update.is_empty() {
            return outcome;
        }
        let state = self.channels.entry(channel).or_default();
        if state
            .last_accepted
            .is_some_and(|at| now.saturating_since(at) < self.window)
        {
            return outcome;
        }
        state.last_accepted = Some(now);
        state.entry_id += 1;
        let location = match (update.lat, update.long) {
            (Some(lat), Some(lon)) => Some(Location {
                lat,
                lon,
                ele: update.elevation,
            }),
            _ => None,
        };
        let entry = ChannelEntry {
            channel_id: channel,
            entry_id: state.entry_id,
            created_at: update
                .created_at
                .clone()
                .unwrap_or_else(|| iso8601_seconds(i64::try_from(epoch_ms).unwrap_or(i64::MAX))),
            fields: update.fields.clone(),
            location,
            status: update.status.clone(),
        };
        self.history.record(epoch_ms, entry.clone());
        let subscribe = ThingSpeakTopic::ChannelSubscribe { channel };
        outcome.publishes.push(ServicePublish::new(
            subscribe.to_string(),
            entry.encode_json(),
        ));
        for (index, value) in update.fields.iter().enumerate() {
            if let Some(value) = value {
                let field = ThingSpeakTopic::FieldSubscribe {
                    channel,
                    field: u8::try_from(index + 1).ok(),
                };
                outcome
                    .publishes
                    .push(ServicePublish::new(field.to_string(), value.clone()));
            }
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> Instant {
        Instant::from_millis(secs * 1000)
    }

    #[test]
    fn a_channel_publish_becomes_subscription_json_and_field_messages() {
        let mut service = ThingSpeakService::new(Duration::from_secs(15));
        let outcome = service.on_publish(
            at(0),
            1_767_225_605_000,
            "channels/7/publish",
            b"field1=45&field2=60&status=MQTTPUBLISH",
            QoS::AtMostOnce,
        );
        let topics: Vec<&str> = outcome.publishes.iter().map(|p| p.topic.as_str()).collect();
        assert_eq!(
            topics,
            vec![
                "channels/7/subscribe",
                "channels/7/subscribe/fields/field1",
                "channels/7/subscribe/fields/field2"
            ]
        );
        let entry = ChannelEntry::decode_json(&outcome.publishes[0].payload).expect("JSON");
        assert_eq!((entry.channel_id, entry.entry_id), (7, 1));
        assert_eq!(entry.created_at, "2026-01-01T00:00:05Z");
        assert_eq!(entry.status.as_deref(), Some("MQTTPUBLISH"));
        assert_eq!(outcome.publishes[2].payload, "60");
    }

    #[test]
    fn updates_inside_the_window_are_dropped_silently_per_channel() {
        let mut service = ThingSpeakService::new(Duration::from_secs(15));
        let publish = |s: &mut ThingSpeakService, secs, topic: &str| {
            s.on_publish(at(secs), 0, topic, b"1", QoS::AtMostOnce)
                .publishes
                .len()
        };
        assert_eq!(
            publish(&mut service, 0, "channels/7/publish/fields/field1"),
            2
        );
        assert_eq!(
            publish(&mut service, 14, "channels/7/publish/fields/field2"),
            0
        );
        // Another channel has its own window.
        assert_eq!(
            publish(&mut service, 14, "channels/8/publish/fields/field1"),
            2
        );
        let second = service.on_publish(
            at(15),
            0,
            "channels/7/publish",
            b"field3=9",
            QoS::AtMostOnce,
        );
        let entry = ChannelEntry::decode_json(&second.publishes[0].payload).expect("JSON");
        assert_eq!(entry.entry_id, 2);
    }

    #[test]
    fn qos1_and_unknown_topics_are_not_accepted() {
        let mut service = ThingSpeakService::new(Duration::from_secs(15));
        let qos1 = service.on_publish(
            at(0),
            0,
            "channels/7/publish",
            b"field1=1",
            QoS::AtLeastOnce,
        );
        assert!(qos1.publishes.is_empty() && !qos1.acknowledge);
        let other = service.on_publish(at(0), 0, "sensors/temp", b"1", QoS::AtMostOnce);
        assert!(other.publishes.is_empty() && !other.forward);
    }
}
