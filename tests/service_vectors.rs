//! Every topic and payload example in docs/SERVICES.md and the service documents, as test
//! vectors: parsed, built, and round-tripped where both directions exist.
#![cfg(not(target_arch = "wasm32"))]

use feedboard::mqtt::QoS;
use feedboard::service::adafruit_payload::*;
use feedboard::service::adafruit_topic::{AdafruitTopic, Format, Integration, TimeTopic};
use feedboard::service::descriptor::{PublishRuleError, ADAFRUIT_IO, GENERIC, THINGSPEAK};
use feedboard::service::thingspeak::{ChannelEntry, ChannelUpdate, ThingSpeakTopic};
use feedboard::service::value::{Datum, Location, Value};

fn feed(owner: &str, key: &str, format: Format, short: bool) -> AdafruitTopic {
    AdafruitTopic::Feed {
        owner: owner.into(),
        key: key.into(),
        format,
        short,
    }
}

#[test]
fn every_documented_adafruit_topic_parses_to_its_meaning_and_builds_back() {
    let vectors: Vec<(&str, AdafruitTopic)> = vec![
        (
            "test_username/feeds/example",
            feed("test_username", "example", Format::Plain, false),
        ),
        (
            "test_username/feeds/example/csv",
            feed("test_username", "example", Format::Csv, false),
        ),
        (
            "test_username/feeds/example/json",
            feed("test_username", "example", Format::Json, false),
        ),
        (
            "mosfet/feeds/photocell-one",
            feed("mosfet", "photocell-one", Format::Plain, false),
        ),
        (
            "IO-Username/f/photocell-one",
            feed("IO-Username", "photocell-one", Format::Plain, true),
        ),
        (
            "IO-Username/f/photocell-one/json",
            feed("IO-Username", "photocell-one", Format::Json, true),
        ),
        (
            "IO-Username/f/photocell-one/csv",
            feed("IO-Username", "photocell-one", Format::Csv, true),
        ),
        (
            "test_username/feeds/example.counter-3",
            feed("test_username", "example.counter-3", Format::Plain, false),
        ),
        (
            "other_username/feeds/something.fake-11",
            feed("other_username", "something.fake-11", Format::Plain, false),
        ),
        (
            "owner/f/shared-key",
            feed("owner", "shared-key", Format::Plain, true),
        ),
        (
            "uname/f/counter/get",
            AdafruitTopic::FeedGet {
                owner: "uname".into(),
                key: "counter".into(),
                format: Format::Plain,
                short: true,
            },
        ),
        (
            "uname/f/counter/csv/get",
            AdafruitTopic::FeedGet {
                owner: "uname".into(),
                key: "counter".into(),
                format: Format::Csv,
                short: true,
            },
        ),
        (
            "uname/groups/garden",
            AdafruitTopic::Group {
                owner: "uname".into(),
                group: "garden".into(),
                format: Format::Plain,
                short: false,
            },
        ),
        (
            "uname/g/garden/json",
            AdafruitTopic::Group {
                owner: "uname".into(),
                group: "garden".into(),
                format: Format::Json,
                short: true,
            },
        ),
        (
            "uname/groups/garden/csv",
            AdafruitTopic::Group {
                owner: "uname".into(),
                group: "garden".into(),
                format: Format::Csv,
                short: false,
            },
        ),
        (
            "uname/g/garden/get",
            AdafruitTopic::GroupGet {
                owner: "uname".into(),
                group: "garden".into(),
                format: Format::Plain,
                short: true,
            },
        ),
        ("time/seconds", AdafruitTopic::Time(TimeTopic::Seconds)),
        ("time/millis", AdafruitTopic::Time(TimeTopic::Millis)),
        ("time/ISO-8601", AdafruitTopic::Time(TimeTopic::Iso8601)),
        ("time/hours", AdafruitTopic::Time(TimeTopic::Hours)),
        (
            "uname/integration/words/42",
            AdafruitTopic::Integration {
                owner: "uname".into(),
                integration: Integration::Words,
                id: "42".into(),
                plural: false,
            },
        ),
        (
            "uname/integrations/words/42",
            AdafruitTopic::Integration {
                owner: "uname".into(),
                integration: Integration::Words,
                id: "42".into(),
                plural: true,
            },
        ),
        (
            "uname/integration/air_quality/7/forecast_tomorrow",
            AdafruitTopic::Integration {
                owner: "uname".into(),
                integration: Integration::AirQuality("forecast_tomorrow".into()),
                id: "7".into(),
                plural: false,
            },
        ),
        (
            "test_username/errors",
            AdafruitTopic::Errors {
                owner: "test_username".into(),
            },
        ),
        (
            "test_username/throttle",
            AdafruitTopic::Throttle {
                owner: "test_username".into(),
            },
        ),
    ];
    for (text, topic) in vectors {
        assert_eq!(
            AdafruitTopic::parse(text),
            Some(topic.clone()),
            "parse {text}"
        );
        assert_eq!(topic.to_string(), text, "build {text}");
    }
}

#[test]
fn every_weather_kind_round_trips() {
    for kind in feedboard::service::adafruit_topic::WEATHER_KINDS {
        let text = format!("uname/integration/weather/3/{kind}");
        let topic = AdafruitTopic::parse(&text).expect("weather topic parses");
        assert!(
            matches!(&topic, AdafruitTopic::Integration { integration: Integration::Weather(k), .. } if k == kind)
        );
        assert_eq!(topic.to_string(), text);
    }
    assert_eq!(
        AdafruitTopic::parse("uname/integration/weather/3/tomorrow"),
        None
    );
}

#[test]
fn topics_that_are_not_adafruit_resources_do_not_parse() {
    for text in [
        "LWT/$SYS/obe/pixel/adafruit.server/sessions-005",
        ",,21,9,,,33,, OK -72.223332,12.100,0.17,28.1,1,,",
        "",
        "time/minutes",
        "uname/feeds",
        "uname/feeds/key/xml",
        "uname/feeds//json",
        "uname/dashboards/main",
    ] {
        assert_eq!(AdafruitTopic::parse(text), None, "{text:?}");
    }
}

#[test]
fn the_get_topic_of_a_feed_or_group_adds_get() {
    let topic = AdafruitTopic::feed("uname", "counter");
    assert_eq!(
        topic.get_topic().map(|t| t.to_string()),
        Some("uname/feeds/counter/get".into())
    );
    let group = AdafruitTopic::group("uname", "garden");
    assert_eq!(
        group.get_topic().map(|t| t.to_string()),
        Some("uname/groups/garden/get".into())
    );
    assert_eq!(AdafruitTopic::Time(TimeTopic::Seconds).get_topic(), None);
}

#[test]
fn raw_values_are_numbers_when_they_parse_and_text_otherwise() {
    assert_eq!(decode_feed("22.587"), Datum::plain(Value::Number(22.587)));
    assert_eq!(decode_feed("ON"), Datum::plain(Value::Text("ON".into())));
}

#[test]
fn value_json_with_location_decodes_and_encodes() {
    let text = r#"{"value":22.587,"lat":38.1123,"lon":-91.2325,"ele":112}"#;
    let datum = Datum {
        value: Value::Number(22.587),
        location: Some(Location {
            lat: 38.1123,
            lon: -91.2325,
            ele: Some(112.0),
        }),
    };
    assert_eq!(decode_feed(text), datum);
    assert_eq!(encode_feed_json(&datum), text);
    assert_eq!(
        decode_feed(r#"{"value":22.587}"#),
        Datum::plain(Value::Number(22.587))
    );
}

#[test]
fn a_json_value_that_is_itself_json_is_kept_compact() {
    let text = r#"{"value": {"sensor-1":22.587, "sensor-2":13.182}, "lat":38.1123, "lon":-91.2325, "ele":112}"#;
    let datum = decode_feed(text);
    assert_eq!(
        datum.value,
        Value::Text(r#"{"sensor-1":22.587,"sensor-2":13.182}"#.into())
    );
    assert!(datum.location.is_some());
}

#[test]
fn json_without_a_value_key_is_stored_as_text() {
    let text = r#"{"sensor-1":22.587,"sensor-2":13.182}"#;
    assert_eq!(decode_feed(text), Datum::plain(Value::Text(text.into())));
}

#[test]
fn double_encoded_json_stays_a_string() {
    let text = r#""{\"sensor-1\":22.587,\"sensor-2\":13.182}""#;
    assert_eq!(decode_feed(text), Datum::plain(Value::Text(text.into())));
}

#[test]
fn csv_with_location_decodes_and_encodes() {
    let text = "22.587,38.1123,-91.2325,112";
    let datum = decode_feed_csv(text);
    assert_eq!(
        datum,
        Datum {
            value: Value::Number(22.587),
            location: Some(Location {
                lat: 38.1123,
                lon: -91.2325,
                ele: Some(112.0)
            })
        }
    );
    assert_eq!(encode_feed_csv(&datum), text);
    assert_eq!(
        decode_feed_csv("22.587"),
        Datum::plain(Value::Number(22.587))
    );
    let no_elevation = decode_feed_csv("1,2,3");
    assert_eq!(
        no_elevation.location.map(|l| (l.lat, l.lon, l.ele)),
        Some((2.0, 3.0, None))
    );
    // Text with commas that are not coordinates stays whole.
    assert_eq!(
        decode_feed_csv("a,b,c,d"),
        Datum::plain(Value::Text("a,b,c,d".into()))
    );
}

#[test]
fn group_json_fans_out_into_one_entry_per_feed_with_the_location() {
    let text = r#"{"feeds":{"key-1":"value 1","key-2":"value 2","key-3":"42"},"location":{"lat":1.0,"lon":2.0,"ele":3.0}}"#;
    let entries = decode_group_json(text);
    let location = Some(Location {
        lat: 1.0,
        lon: 2.0,
        ele: Some(3.0),
    });
    assert_eq!(
        entries,
        vec![
            GroupEntry {
                key: "key-1".into(),
                datum: Datum {
                    value: Value::Text("value 1".into()),
                    location
                }
            },
            GroupEntry {
                key: "key-2".into(),
                datum: Datum {
                    value: Value::Text("value 2".into()),
                    location
                }
            },
            GroupEntry {
                key: "key-3".into(),
                datum: Datum {
                    value: Value::Number(42.0),
                    location
                }
            },
        ]
    );
    let built = encode_group_json(
        &[
            ("key-1".into(), Value::Text("value 1".into())),
            ("key-2".into(), Value::Number(2.5)),
        ],
        Some(Location {
            lat: 0.0,
            lon: 0.0,
            ele: Some(0.0),
        }),
    );
    assert_eq!(
        built,
        r#"{"feeds":{"key-1":"value 1","key-2":"2.5"},"location":{"lat":0,"lon":0,"ele":0}}"#
    );
    assert_eq!(decode_group_json(&built).len(), 2);
    // Subscribers receive only the feeds that changed.
    assert_eq!(
        decode_group_json(r#"{"feeds":{"key-1":"value 1"}}"#).len(),
        1
    );
    assert!(decode_group_json("not json").is_empty());
}

#[test]
fn group_csv_fans_out_and_round_trips() {
    let text = "key-1,value 1\nkey-2,value 2\nkey-3,value 3";
    let entries = decode_group_csv(text);
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[1].key, "key-2");
    assert_eq!(entries[1].datum.value, Value::Text("value 2".into()));
    let pairs: Vec<(String, Value)> = entries
        .iter()
        .map(|e| (e.key.clone(), e.datum.value.clone()))
        .collect();
    assert_eq!(encode_group_csv(&pairs, None), text);
    let located = decode_group_csv("temp,21.5\nlocation,52.1,4.3,7");
    assert_eq!(located[0].datum.value, Value::Number(21.5));
    assert_eq!(located[0].datum.location.map(|l| l.ele), Some(Some(7.0)));
}

#[test]
fn thingspeak_topics_parse_and_build() {
    let vectors = [
        (
            "channels/1417/publish",
            ThingSpeakTopic::ChannelPublish { channel: 1417 },
        ),
        (
            "channels/1417/publish/fields/field3",
            ThingSpeakTopic::FieldPublish {
                channel: 1417,
                field: 3,
            },
        ),
        (
            "channels/1417/subscribe",
            ThingSpeakTopic::ChannelSubscribe { channel: 1417 },
        ),
        (
            "channels/1417/subscribe/fields/field8",
            ThingSpeakTopic::FieldSubscribe {
                channel: 1417,
                field: Some(8),
            },
        ),
        (
            "channels/1417/subscribe/fields/+",
            ThingSpeakTopic::FieldSubscribe {
                channel: 1417,
                field: None,
            },
        ),
    ];
    for (text, topic) in vectors {
        assert_eq!(ThingSpeakTopic::parse(text), Some(topic), "{text}");
        assert_eq!(topic.to_string(), text);
    }
    for bad in [
        "channels/abc/publish",
        "channels/1/publish/fields/field9",
        "channels/1/publish/fields/field0",
        "channels/-1/subscribe",
    ] {
        assert_eq!(ThingSpeakTopic::parse(bad), None, "{bad}");
    }
}

#[test]
fn thingspeak_channel_form_round_trips_with_every_key() {
    let text = "field1=45&field2=60&lat=30.61&long=40.35&elevation=100&status=MQTTPUBLISH&created_at=2026-01-01T00%3A00%3A00Z";
    let update = ChannelUpdate::decode_form(text);
    assert_eq!(update.fields[0].as_deref(), Some("45"));
    assert_eq!(update.fields[1].as_deref(), Some("60"));
    assert_eq!(
        (update.lat, update.long, update.elevation),
        (Some(30.61), Some(40.35), Some(100.0))
    );
    assert_eq!(update.status.as_deref(), Some("MQTTPUBLISH"));
    assert_eq!(update.created_at.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(update.encode_form(), text);
    // The unencoded form from the documentation reads the same.
    let plain = "field1=45&field2=60&lat=30.61&long=40.35&elevation=100&status=MQTTPUBLISH&created_at=2026-01-01T00:00:00Z";
    assert_eq!(ChannelUpdate::decode_form(plain), update);
    // Text with separators survives.
    let tricky = ChannelUpdate {
        status: Some("a&b=c d".into()),
        ..ChannelUpdate::default()
    };
    assert_eq!(ChannelUpdate::decode_form(&tricky.encode_form()), tricky);
}

#[test]
fn thingspeak_channel_json_decodes_with_nulls_and_round_trips() {
    let text = r#"{"channel_id":1417,"created_at":"2026-01-01T00:00:05Z","entry_id":12,"field1":"45","field2":"60","field3":null,"field4":null,"field5":null,"field6":null,"field7":null,"field8":null,"latitude":"30.61","longitude":"40.35","elevation":"100","status":"MQTTPUBLISH"}"#;
    let entry = ChannelEntry::decode_json(text).expect("channel JSON parses");
    assert_eq!((entry.channel_id, entry.entry_id), (1417, 12));
    assert_eq!(entry.fields[0].as_deref(), Some("45"));
    assert_eq!(entry.fields[2], None);
    assert_eq!(
        entry.location.map(|l| (l.lat, l.lon, l.ele)),
        Some((30.61, 40.35, Some(100.0)))
    );
    let data = entry.data();
    assert_eq!(
        data.iter()
            .map(|(n, d)| (*n, d.value.clone()))
            .collect::<Vec<_>>(),
        vec![(1, Value::Number(45.0)), (2, Value::Number(60.0))]
    );
    assert_eq!(ChannelEntry::decode_json(&entry.encode_json()), Some(entry));
    assert_eq!(ChannelEntry::decode_json("45"), None);
    assert_eq!(ChannelEntry::decode_json(r#"{"field1":"1"}"#), None);
}

#[test]
fn descriptors_refuse_what_each_service_does_not_support() {
    assert_eq!(
        ADAFRUIT_IO.check_publish(QoS::AtLeastOnce, false, 1024),
        Ok(())
    );
    assert!(matches!(
        ADAFRUIT_IO.check_publish(QoS::ExactlyOnce, false, 1),
        Err(PublishRuleError::QosNotSupported { .. })
    ));
    let retain = ADAFRUIT_IO
        .check_publish(QoS::AtMostOnce, true, 1)
        .unwrap_err();
    assert!(retain.to_string().contains("/get"), "{retain}");
    assert!(matches!(
        ADAFRUIT_IO.check_publish(QoS::AtMostOnce, false, 1025),
        Err(PublishRuleError::TooLarge { limit: 1024, .. })
    ));
    assert!(THINGSPEAK
        .check_publish(QoS::AtLeastOnce, false, 1)
        .is_err());
    assert!(THINGSPEAK
        .check_publish(QoS::AtMostOnce, false, 3001)
        .is_err());
    assert_eq!(
        GENERIC.check_publish(QoS::ExactlyOnce, true, 100_000),
        Ok(())
    );
}

#[test]
fn plans_carry_the_documented_rates() {
    let rate = |d: &feedboard::service::ServiceDescriptor, id: &str| {
        d.plan(id)
            .and_then(|p| p.publish_limit)
            .map(|l| l.to_string())
    };
    assert_eq!(rate(&ADAFRUIT_IO, "free").as_deref(), Some("30 per minute"));
    assert_eq!(rate(&ADAFRUIT_IO, "plus").as_deref(), Some("60 per minute"));
    assert_eq!(
        rate(&THINGSPEAK, "free").as_deref(),
        Some("one update every 15 s per channel")
    );
    assert_eq!(
        rate(&THINGSPEAK, "paid").as_deref(),
        Some("one update every 1 s per channel")
    );
    assert_eq!(rate(&GENERIC, "unlimited"), None);
    assert_eq!(
        ADAFRUIT_IO.action_limits.connect_attempts.map(|l| l.count),
        Some(20)
    );
    assert_eq!(ADAFRUIT_IO.action_limits.min_reconnect_delay.as_secs(), 10);
}
