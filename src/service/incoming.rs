//! What a received message means for a given service: which feeds it updates, or which
//! service notice it carries. This is where a topic becomes a feed, so the UI never parses
//! topic strings itself.

use super::adafruit_payload::{decode_feed, decode_feed_csv, decode_group_csv, decode_group_json};
use super::adafruit_topic::{AdafruitTopic, Format, TimeTopic};
use super::descriptor::ServiceKind;
use super::feed_ref::FeedRef;
use super::thingspeak::{ChannelEntry, ThingSpeakTopic};
use super::value::{Datum, Value};
use crate::mqtt::topic::filter_matches;

/// A new value for one feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedUpdate {
    /// The feed.
    pub feed: FeedRef,
    /// Value and location.
    pub datum: Datum,
    /// The service's own timestamp, when the message carries one.
    pub created_at: Option<String>,
}

/// What a received message is.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// New values for one or more feeds.
    Feeds(Vec<FeedUpdate>),
    /// A message on Adafruit IO's `{u}/throttle`.
    Throttle(String),
    /// A message on Adafruit IO's `{u}/errors`.
    ServiceError(String),
    /// A `time/*` tick.
    Time(TimeTopic, String),
    /// A copy of an update already delivered on the feed's plain topic (Adafruit IO sends each
    /// update on the plain, `/json` and `/csv` topics to a `#` subscriber).
    FormatCopy,
}

/// Interprets a message received on `topic`. `active_filters` are the client's subscriptions,
/// used to recognise format copies.
pub fn interpret<'a>(
    service: ServiceKind,
    topic: &str,
    payload: &[u8],
    active_filters: impl IntoIterator<Item = &'a str> + Clone,
) -> Incoming {
    let text = String::from_utf8_lossy(payload);
    match service {
        ServiceKind::AdafruitIo => match AdafruitTopic::parse(topic) {
            Some(parsed) => interpret_adafruit(parsed, &text, active_filters),
            None => generic(topic, &text),
        },
        ServiceKind::ThingSpeak => match ThingSpeakTopic::parse(topic) {
            Some(parsed) => interpret_thingspeak(parsed, topic, &text),
            None => generic(topic, &text),
        },
        ServiceKind::Generic => generic(topic, &text),
    }
}

/// Any other topic is a feed of its own. Its payload is read like an Adafruit IO value: a
/// JSON object with `value` (and optional `lat`, `lon`, `ele`) is the common convention for
/// values with a location; anything else is the raw value.
fn generic(topic: &str, text: &str) -> Incoming {
    Incoming::Feeds(vec![FeedUpdate {
        feed: FeedRef::Topic(topic.to_owned()),
        datum: decode_feed(text),
        created_at: None,
    }])
}

fn interpret_adafruit<'a>(
    topic: AdafruitTopic,
    text: &str,
    active_filters: impl IntoIterator<Item = &'a str> + Clone,
) -> Incoming {
    match topic {
        AdafruitTopic::Feed {
            owner,
            key,
            format,
            short,
        } => {
            let plain = AdafruitTopic::Feed {
                owner: owner.clone(),
                key: key.clone(),
                format: Format::Plain,
                short,
            };
            if is_format_copy(format, &plain, active_filters) {
                return Incoming::FormatCopy;
            }
            let datum = match format {
                Format::Csv => decode_feed_csv(text),
                Format::Plain | Format::Json => decode_feed(text),
            };
            Incoming::Feeds(vec![FeedUpdate {
                feed: FeedRef::Adafruit { owner, key },
                datum,
                created_at: None,
            }])
        }
        AdafruitTopic::Group {
            owner,
            group,
            format,
            short,
        } => {
            let plain = AdafruitTopic::Group {
                owner: owner.clone(),
                group: group.clone(),
                format: Format::Plain,
                short,
            };
            if is_format_copy(format, &plain, active_filters) {
                return Incoming::FormatCopy;
            }
            let entries = match format {
                Format::Csv => decode_group_csv(text),
                Format::Plain | Format::Json => decode_group_json(text),
            };
            Incoming::Feeds(
                entries
                    .into_iter()
                    .map(|entry| FeedUpdate {
                        feed: FeedRef::Adafruit {
                            owner: owner.clone(),
                            key: group_feed_key(&group, &entry.key),
                        },
                        datum: entry.datum,
                        created_at: None,
                    })
                    .collect(),
            )
        }
        AdafruitTopic::Throttle { .. } => Incoming::Throttle(unquote_notice(text)),
        AdafruitTopic::Errors { .. } => Incoming::ServiceError(unquote_notice(text)),
        AdafruitTopic::Time(time) => Incoming::Time(time, text.trim().to_owned()),
        other => generic(&other.to_string(), text),
    }
}

/// A notice's text without the double quotes Adafruit IO wraps some in.
pub fn unquote_notice(text: &str) -> String {
    let trimmed = text.trim();
    trimmed
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(trimmed)
        .trim()
        .to_owned()
}

/// Feeds inside a group have the full key `group.key`; a key that already has its group is
/// kept as it is.
fn group_feed_key(group: &str, key: &str) -> String {
    if key.contains('.') {
        key.to_owned()
    } else {
        format!("{group}.{key}")
    }
}

/// A `/json` or `/csv` message is a copy when a subscription also covers its plain topic.
fn is_format_copy<'a>(
    format: Format,
    plain: &AdafruitTopic,
    filters: impl IntoIterator<Item = &'a str>,
) -> bool {
    if format == Format::Plain {
        return false;
    }
    let plain = plain.to_string();
    filters
        .into_iter()
        .any(|filter| filter_matches(filter, &plain))
}

fn interpret_thingspeak(topic: ThingSpeakTopic, raw_topic: &str, text: &str) -> Incoming {
    match topic {
        ThingSpeakTopic::ChannelSubscribe { channel } => match ChannelEntry::decode_json(text) {
            Some(entry) => Incoming::Feeds(
                entry
                    .data()
                    .into_iter()
                    .map(|(field, datum)| FeedUpdate {
                        feed: FeedRef::ThingSpeakField { channel, field },
                        datum,
                        created_at: Some(entry.created_at.clone()),
                    })
                    .collect(),
            ),
            None => generic(raw_topic, text),
        },
        ThingSpeakTopic::FieldSubscribe {
            channel,
            field: Some(field),
        } => Incoming::Feeds(vec![FeedUpdate {
            feed: FeedRef::ThingSpeakField { channel, field },
            datum: Datum::plain(Value::from_text(text)),
            created_at: None,
        }]),
        _ => generic(raw_topic, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feeds(incoming: Incoming) -> Vec<(String, Value)> {
        match incoming {
            Incoming::Feeds(updates) => updates
                .into_iter()
                .map(|u| (u.feed.to_string(), u.datum.value))
                .collect(),
            other => panic!("expected feed updates, got {other:?}"),
        }
    }

    #[test]
    fn feed_ids_round_trip_and_nonsense_ids_are_refused() {
        for feed in [
            FeedRef::Adafruit {
                owner: "maker".into(),
                key: "garden.temp".into(),
            },
            FeedRef::ThingSpeakField {
                channel: 1000,
                field: 2,
            },
            FeedRef::Topic("home/a:b/c".into()),
        ] {
            assert_eq!(FeedRef::from_id(&feed.id()), Some(feed));
        }
        for bad in ["", "aio:nokey", "ts:x/1", "topic:", "web:1"] {
            assert_eq!(FeedRef::from_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_hash_subscription_counts_each_adafruit_update_once() {
        let filters = ["uname/f/#"];
        let plain = interpret(ServiceKind::AdafruitIo, "uname/f/temp", b"21.5", filters);
        assert_eq!(
            feeds(plain),
            vec![("uname/temp".into(), Value::Number(21.5))]
        );
        for copy in ["uname/f/temp/json", "uname/f/temp/csv"] {
            assert_eq!(
                interpret(ServiceKind::AdafruitIo, copy, b"21.5", filters),
                Incoming::FormatCopy,
                "{copy}"
            );
        }
    }

    #[test]
    fn an_explicit_json_subscription_is_not_a_copy_and_keeps_location() {
        let payload = br#"{"value":21.5,"lat":1.0,"lon":2.0}"#;
        let incoming = interpret(
            ServiceKind::AdafruitIo,
            "uname/feeds/temp/json",
            payload,
            ["uname/feeds/temp/json"],
        );
        match incoming {
            Incoming::Feeds(updates) => {
                assert_eq!(updates.len(), 1);
                assert_eq!(updates[0].datum.location.map(|l| l.lat), Some(1.0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_group_message_becomes_one_update_per_feed_with_full_keys() {
        let payload = br#"{"feeds":{"temp":"21.5","humidity":"40"}}"#;
        let got = feeds(interpret(
            ServiceKind::AdafruitIo,
            "uname/groups/garden",
            payload,
            ["uname/groups/garden"],
        ));
        assert_eq!(
            got,
            vec![
                ("uname/garden.temp".into(), Value::Number(21.5)),
                ("uname/garden.humidity".into(), Value::Number(40.0)),
            ]
        );
    }

    #[test]
    fn throttle_and_error_notices_lose_their_quotes() {
        let quoted =
            br#""test_username data rate limit reached, 21 seconds until throttle released""#;
        assert_eq!(
            interpret(
                ServiceKind::AdafruitIo,
                "test_username/throttle",
                quoted,
                ["test_username/throttle"]
            ),
            Incoming::Throttle(
                "test_username data rate limit reached, 21 seconds until throttle released".into()
            )
        );
        let error = b"enforcement limit reached, your account is banned for 30 seconds";
        assert!(matches!(
            interpret(ServiceKind::AdafruitIo, "u/errors", error, ["u/errors"]),
            Incoming::ServiceError(text) if text.starts_with("enforcement")
        ));
    }

    #[test]
    fn a_thingspeak_channel_message_splits_into_field_feeds() {
        let payload = br#"{"channel_id":7,"created_at":"2026-01-01T00:00:05Z","entry_id":3,"field1":"45","field2":null,"field3":"on"}"#;
        assert_eq!(
            feeds(interpret(
                ServiceKind::ThingSpeak,
                "channels/7/subscribe",
                payload,
                ["channels/7/subscribe"]
            )),
            vec![
                ("channel 7 field 1".into(), Value::Number(45.0)),
                ("channel 7 field 3".into(), Value::Text("on".into())),
            ]
        );
        assert_eq!(
            feeds(interpret(
                ServiceKind::ThingSpeak,
                "channels/7/subscribe/fields/field2",
                b"60",
                ["channels/7/subscribe/fields/+"]
            )),
            vec![("channel 7 field 2".into(), Value::Number(60.0))]
        );
    }

    #[test]
    fn generic_topics_and_bad_payloads_are_still_values() {
        assert_eq!(
            feeds(interpret(ServiceKind::Generic, "home/temp", b"19", ["#"])),
            vec![("home/temp".into(), Value::Number(19.0))]
        );
        // A broken channel message is kept as text on its topic, not dropped.
        assert_eq!(
            feeds(interpret(
                ServiceKind::ThingSpeak,
                "channels/7/subscribe",
                b"{oops",
                ["#"]
            )),
            vec![("channels/7/subscribe".into(), Value::Text("{oops".into()))]
        );
        let located = interpret(
            ServiceKind::Generic,
            "tracker/bike",
            br#"{"value":12.5,"lat":52.37,"lon":4.89}"#,
            ["#"],
        );
        assert!(matches!(
            located,
            Incoming::Feeds(updates) if updates[0].datum.location.is_some_and(|l| l.lat == 52.37)
        ));
        let other_json = feeds(interpret(ServiceKind::Generic, "j", br#"{"t":1}"#, ["#"]));
        assert_eq!(other_json[0].1, Value::Text(r#"{"t":1}"#.into()));
        let binary = feeds(interpret(ServiceKind::Generic, "raw", &[0xff, 0xfe], ["#"]));
        assert!(matches!(&binary[0].1, Value::Text(_)));
    }
}
