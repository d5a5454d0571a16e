//! Where received messages enter the dashboard: each is logged, interpreted for its service,
//! and its feed updates recorded.

use super::message_log::{LogKind, MessageLog};
use super::store::FeedStore;
use crate::mqtt::Message;
use crate::service::feed_ref::FeedRef;
use crate::service::incoming::{interpret, FeedUpdate, Incoming};
use crate::service::value::{Datum, Value};
use crate::service::ServiceKind;

/// Logs `message` and records what it means for the feeds. `filters` are the active
/// subscriptions (to recognise duplicate deliveries). Service notices are logged here; what
/// they mean for the connection is the link's business (`crate::link`).
pub fn ingest<'a>(
    store: &mut FeedStore,
    log: &mut MessageLog,
    service: ServiceKind,
    filters: impl IntoIterator<Item = &'a str> + Clone,
    message: &Message,
    at_ms: f64,
) {
    let kind = match interpret(service, &message.topic, &message.payload, filters) {
        Incoming::Feeds(updates) => {
            for update in &updates {
                store.record(update, at_ms);
            }
            LogKind::Data
        }
        Incoming::Time(_, text) => {
            let tick = FeedUpdate {
                feed: FeedRef::Topic(message.topic.clone()),
                datum: Datum::plain(Value::from_text(&text)),
                created_at: None,
            };
            store.record(&tick, at_ms);
            LogKind::Time
        }
        Incoming::FormatCopy => LogKind::Copy,
        Incoming::Throttle(_) => LogKind::Throttle,
        Incoming::ServiceError(_) => LogKind::ServiceError,
    };
    log.record(message, kind, at_ms);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::store::StoreLimits;
    use crate::mqtt::QoS;

    fn message(topic: &str, payload: &str) -> Message {
        Message {
            topic: topic.into(),
            payload: payload.into(),
            qos: QoS::AtMostOnce,
            retain: false,
            duplicate: false,
        }
    }

    fn value_of(store: &FeedStore, feed: FeedRef) -> Option<Value> {
        store
            .get(&feed)
            .and_then(|s| s.latest())
            .map(|l| l.datum.value.clone())
    }

    #[test]
    fn adafruit_group_json_and_csv_copies_land_once_in_the_right_feeds() {
        let mut store = FeedStore::new(StoreLimits::default());
        let mut log = MessageLog::default();
        let filters = ["maker/groups/garden", "maker/f/#"];
        let group = message(
            "maker/groups/garden",
            r#"{"feeds":{"temp":"21.5","door":"open"}}"#,
        );
        ingest(
            &mut store,
            &mut log,
            ServiceKind::AdafruitIo,
            filters,
            &group,
            1.0,
        );
        for topic in ["maker/f/light", "maker/f/light/json", "maker/f/light/csv"] {
            let m = message(topic, "300");
            ingest(
                &mut store,
                &mut log,
                ServiceKind::AdafruitIo,
                filters,
                &m,
                2.0,
            );
        }
        let feed = |key: &str| FeedRef::Adafruit {
            owner: "maker".into(),
            key: key.into(),
        };
        assert_eq!(
            value_of(&store, feed("garden.temp")),
            Some(Value::Number(21.5))
        );
        assert_eq!(
            value_of(&store, feed("garden.door")),
            Some(Value::Text("open".into()))
        );
        assert_eq!(store.get(&feed("light")).map(|s| s.count()), Some(1));
        assert_eq!(store.len(), 3);
        let kinds: Vec<LogKind> = log.entries().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [LogKind::Data, LogKind::Data, LogKind::Copy, LogKind::Copy]
        );
    }

    #[test]
    fn a_thingspeak_channel_update_splits_into_field_feeds() {
        let mut store = FeedStore::new(StoreLimits::default());
        let mut log = MessageLog::default();
        let update = message(
            "channels/1000/subscribe",
            r#"{"channel_id":1000,"created_at":"2026-01-01T00:00:00Z","entry_id":1,"field1":"45","field2":"60","field3":null}"#,
        );
        ingest(
            &mut store,
            &mut log,
            ServiceKind::ThingSpeak,
            ["channels/1000/subscribe"],
            &update,
            5.0,
        );
        let field = |field| FeedRef::ThingSpeakField {
            channel: 1000,
            field,
        };
        assert_eq!(value_of(&store, field(1)), Some(Value::Number(45.0)));
        assert_eq!(value_of(&store, field(2)), Some(Value::Number(60.0)));
        assert_eq!(store.get(&field(3)), None);
    }

    #[test]
    fn notices_are_logged_not_stored_and_time_ticks_become_feeds() {
        let mut store = FeedStore::new(StoreLimits::default());
        let mut log = MessageLog::default();
        let throttle = message(
            "maker/throttle",
            "\"maker data rate limit reached, 5 seconds until throttle released\"",
        );
        ingest(
            &mut store,
            &mut log,
            ServiceKind::AdafruitIo,
            ["maker/throttle"],
            &throttle,
            1.0,
        );
        assert!(store.is_empty());
        assert_eq!(
            log.entries().next().map(|entry| entry.kind),
            Some(LogKind::Throttle)
        );
        let tick = message("time/seconds", "1767225605");
        ingest(
            &mut store,
            &mut log,
            ServiceKind::AdafruitIo,
            ["time/seconds"],
            &tick,
            2.0,
        );
        assert_eq!(
            value_of(&store, FeedRef::Topic("time/seconds".into())),
            Some(Value::Number(1_767_225_605.0))
        );
        assert_eq!(log.len(), 2);
    }
}
