//! The other direction: where a control publishes for a feed, and which feed a person means by
//! what they type, for each service.

use super::adafruit_topic::AdafruitTopic;
use super::descriptor::ServiceKind;
use super::feed_key::validate_feed_key;
use super::feed_ref::FeedRef;
use super::thingspeak::{ThingSpeakTopic, FIELD_COUNT};
use crate::mqtt::topic::validate_topic_name;

/// The topic a control on `feed` publishes to: the feed's own topic on Adafruit IO, the
/// field's publish topic on ThingSpeak, the topic itself elsewhere.
pub fn publish_topic(feed: &FeedRef) -> String {
    match feed {
        FeedRef::Adafruit { owner, key } => AdafruitTopic::feed(owner, key).to_string(),
        FeedRef::ThingSpeakField { channel, field } => ThingSpeakTopic::FieldPublish {
            channel: *channel,
            field: *field,
        }
        .to_string(),
        FeedRef::Topic(topic) => topic.clone(),
    }
}

/// The topic to subscribe to for `feed`'s values.
pub fn subscribe_topic(feed: &FeedRef) -> String {
    match feed {
        FeedRef::Adafruit { owner, key } => AdafruitTopic::feed(owner, key).to_string(),
        FeedRef::ThingSpeakField { channel, field } => ThingSpeakTopic::FieldSubscribe {
            channel: *channel,
            field: Some(*field),
        }
        .to_string(),
        FeedRef::Topic(topic) => topic.clone(),
    }
}

/// The topic a ThingSpeak channel form publishes to.
pub fn channel_publish_topic(channel: u64) -> String {
    ThingSpeakTopic::ChannelPublish { channel }.to_string()
}

/// How a person types `feed` for [`parse_feed`]: `owner/key`, `channel/field`, or the topic.
pub fn typed_name(feed: &FeedRef) -> String {
    match feed {
        FeedRef::Adafruit { owner, key } => format!("{owner}/{key}"),
        FeedRef::ThingSpeakField { channel, field } => format!("{channel}/{field}"),
        FeedRef::Topic(topic) => topic.clone(),
    }
}

/// The feed meant by `text` on `service` for `username`: on Adafruit IO a feed key
/// (`temperature`, `garden.temperature`), `owner/key`, or a feed topic; on ThingSpeak
/// `channel/field` (`1000/2`) or a channel field topic; elsewhere a topic name.
pub fn parse_feed(service: ServiceKind, username: &str, text: &str) -> Result<FeedRef, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("type a feed".to_owned());
    }
    match service {
        ServiceKind::AdafruitIo => {
            if let Some(AdafruitTopic::Feed { owner, key, .. }) = AdafruitTopic::parse(text) {
                return Ok(FeedRef::Adafruit { owner, key });
            }
            let (owner, key) = match text.split_once('/') {
                Some((owner, key)) => (owner, key),
                None if username.is_empty() => {
                    return Err(
                        "connect with your Adafruit IO username first, or type owner/key"
                            .to_owned(),
                    )
                }
                None => (username, text),
            };
            validate_feed_key(key).map_err(|e| e.to_string())?;
            Ok(FeedRef::Adafruit {
                owner: owner.to_owned(),
                key: key.to_owned(),
            })
        }
        ServiceKind::ThingSpeak => {
            if let Some(
                ThingSpeakTopic::FieldPublish { channel, field }
                | ThingSpeakTopic::FieldSubscribe {
                    channel,
                    field: Some(field),
                },
            ) = ThingSpeakTopic::parse(text)
            {
                return Ok(FeedRef::ThingSpeakField { channel, field });
            }
            let parsed = text.split_once('/').and_then(|(channel, field)| {
                let field = field.trim_start_matches("field");
                Some((channel.parse::<u64>().ok()?, field.parse::<u8>().ok()?))
            });
            match parsed {
                Some((channel, field)) if (1..=FIELD_COUNT as u8).contains(&field) => {
                    Ok(FeedRef::ThingSpeakField { channel, field })
                }
                _ => Err(format!(
                    "type a channel and a field 1 to {FIELD_COUNT}, like 1000/2"
                )),
            }
        }
        ServiceKind::Generic => {
            validate_topic_name(text)?;
            Ok(FeedRef::Topic(text.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_publish_to_each_service_s_own_topic() {
        let io = FeedRef::Adafruit {
            owner: "maker".into(),
            key: "garden.lamp".into(),
        };
        assert_eq!(publish_topic(&io), "maker/feeds/garden.lamp");
        let ts = FeedRef::ThingSpeakField {
            channel: 1000,
            field: 3,
        };
        assert_eq!(publish_topic(&ts), "channels/1000/publish/fields/field3");
        assert_eq!(
            publish_topic(&FeedRef::Topic("home/lamp/set".into())),
            "home/lamp/set"
        );
        assert_eq!(channel_publish_topic(7), "channels/7/publish");
        assert_eq!(subscribe_topic(&io), "maker/feeds/garden.lamp");
        assert_eq!(
            subscribe_topic(&ts),
            "channels/1000/subscribe/fields/field3"
        );
    }

    #[test]
    fn typed_feeds_are_read_the_way_each_service_names_them() {
        let io = |text: &str| parse_feed(ServiceKind::AdafruitIo, "maker", text);
        let lamp = FeedRef::Adafruit {
            owner: "maker".into(),
            key: "lamp".into(),
        };
        assert_eq!(io("lamp"), Ok(lamp.clone()));
        assert_eq!(io("maker/lamp"), Ok(lamp.clone()));
        assert_eq!(io("maker/feeds/lamp"), Ok(lamp.clone()));
        assert_eq!(io("maker/f/lamp"), Ok(lamp));
        assert!(io("bad_key").unwrap_err().contains("'_'"));
        assert!(parse_feed(ServiceKind::AdafruitIo, "", "lamp").is_err());
        let ts = |text: &str| parse_feed(ServiceKind::ThingSpeak, "", text);
        let field = FeedRef::ThingSpeakField {
            channel: 1000,
            field: 2,
        };
        assert_eq!(ts("1000/2"), Ok(field.clone()));
        assert_eq!(ts("1000/field2"), Ok(field.clone()));
        assert_eq!(ts("channels/1000/publish/fields/field2"), Ok(field));
        assert!(ts("1000/9").is_err());
        assert!(ts("lamp").is_err());
        assert_eq!(
            parse_feed(ServiceKind::Generic, "", " home/lamp "),
            Ok(FeedRef::Topic("home/lamp".into()))
        );
        assert!(parse_feed(ServiceKind::Generic, "", "home/#").is_err());
        assert!(parse_feed(ServiceKind::Generic, "", "").is_err());
    }

    #[test]
    fn typed_names_read_back_as_the_same_feed() {
        let feeds = [
            (
                ServiceKind::AdafruitIo,
                FeedRef::Adafruit {
                    owner: "maker".into(),
                    key: "g.lamp".into(),
                },
            ),
            (
                ServiceKind::ThingSpeak,
                FeedRef::ThingSpeakField {
                    channel: 7,
                    field: 8,
                },
            ),
            (ServiceKind::Generic, FeedRef::Topic("a/b".into())),
        ];
        for (service, feed) in feeds {
            assert_eq!(parse_feed(service, "maker", &typed_name(&feed)), Ok(feed));
        }
    }
}
