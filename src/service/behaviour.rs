//! What a connection does differently for each service: subscriptions it makes by itself,
//! follow-ups after a subscription, and publishes it refuses before they reach the service.

use super::adafruit_payload::{decode_group_csv, decode_group_json};
use super::adafruit_topic::{AdafruitTopic, Format};
use super::descriptor::{ServiceDescriptor, ServiceKind};
use super::feed_key::{validate_feed_key, validate_group_key};
use super::feed_ref::FeedRef;
use super::incoming::unquote_notice;
use super::thingspeak::ThingSpeakTopic;

use crate::mqtt::QoS;

/// The payload Adafruit's libraries send to a `/get` topic.
pub const GET_PAYLOAD: &[u8] = b"\0";

/// What one publish counts toward the service's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishCost {
    /// Data points (a group publish counts one per feed in it; a `/get` none).
    pub data_points: u32,
    /// The channel whose update it is, where the service counts channels.
    pub channel: Option<u64>,
}

/// A service's behaviour for one logged-in user.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceBehaviour {
    /// The service.
    pub descriptor: &'static ServiceDescriptor,
    /// The user name used to log in (Adafruit IO topics start with it).
    pub username: Option<String>,
}

impl ServiceBehaviour {
    /// The behaviour of `kind` for `username`.
    pub fn new(kind: ServiceKind, username: Option<&str>) -> Self {
        Self {
            descriptor: ServiceDescriptor::of(kind),
            username: username.map(str::to_owned).filter(|u| !u.is_empty()),
        }
    }

    /// Subscriptions to make on every connect: Adafruit IO's throttle and error notices, so
    /// the user sees at once when the service complains.
    pub fn automatic_subscriptions(&self) -> Vec<String> {
        match (self.descriptor.kind, &self.username) {
            (ServiceKind::AdafruitIo, Some(user)) => vec![
                AdafruitTopic::Throttle {
                    owner: user.clone(),
                }
                .to_string(),
                AdafruitTopic::Errors {
                    owner: user.clone(),
                }
                .to_string(),
            ],
            _ => Vec::new(),
        }
    }

    /// What to publish once a subscription to `filter` is granted: on Adafruit IO, the feed's
    /// or group's `/get` topic, so its last value shows at once (the service has no retain).
    /// Only for the user's own feeds: a `/get` on another user's feed may be refused, and each
    /// refusal counts toward a ban.
    pub fn after_subscribed(&self, filter: &str) -> Option<(String, &'static [u8])> {
        if !self.descriptor.last_value_on_get || filter.contains(['+', '#']) {
            return None;
        }
        let topic = AdafruitTopic::parse(filter)?;
        if !self.owns(&topic) {
            return None;
        }
        Some((topic.get_topic()?.to_string(), GET_PAYLOAD))
    }

    /// The text of a notice the service sent about this connection, if `topic` carries one
    /// (Adafruit IO's `{user}/throttle` and `{user}/errors`). Decided by the topic alone, so
    /// the connection reads notices without interpreting every message's payload.
    pub fn notice_text(&self, topic: &str, payload: &[u8]) -> Option<String> {
        if self.descriptor.kind != ServiceKind::AdafruitIo {
            return None;
        }
        match AdafruitTopic::parse(topic)? {
            AdafruitTopic::Throttle { .. } | AdafruitTopic::Errors { .. } => {
                Some(unquote_notice(&String::from_utf8_lossy(payload)))
            }
            _ => None,
        }
    }

    /// Whether following `feed` by itself is safe: on Adafruit IO only the user's own feeds
    /// (another user's may not be shared, and a refused subscription counts toward a ban).
    pub fn may_follow(&self, feed: &FeedRef) -> bool {
        match (self.descriptor.kind, feed) {
            (ServiceKind::AdafruitIo, FeedRef::Adafruit { owner, .. }) => {
                self.username.as_deref() == Some(owner.as_str())
            }
            (ServiceKind::AdafruitIo, _) => false,
            _ => true,
        }
    }

    fn owns(&self, topic: &AdafruitTopic) -> bool {
        let owner = match topic {
            AdafruitTopic::Feed { owner, .. } | AdafruitTopic::Group { owner, .. } => owner,
            _ => return false,
        };
        self.username.as_deref() == Some(owner.as_str())
    }

    /// What publishing `payload` on `topic` costs in the service's limits: Adafruit IO counts a
    /// data point per feed (a group publish one per feed in it; a `/get` none), ThingSpeak an
    /// update of the channel.
    pub fn publish_cost(&self, topic: &str, payload: &[u8]) -> PublishCost {
        let (data_points, channel) = match self.descriptor.kind {
            ServiceKind::AdafruitIo => match AdafruitTopic::parse(topic) {
                Some(AdafruitTopic::FeedGet { .. } | AdafruitTopic::GroupGet { .. }) => (0, None),
                Some(AdafruitTopic::Group { format, .. }) => {
                    let text = String::from_utf8_lossy(payload);
                    let entries = match format {
                        Format::Csv => decode_group_csv(&text).len(),
                        Format::Plain | Format::Json => decode_group_json(&text).len(),
                    };
                    (u32::try_from(entries.max(1)).unwrap_or(u32::MAX), None)
                }
                _ => (1, None),
            },
            ServiceKind::ThingSpeak => {
                let channel = ThingSpeakTopic::parse(topic).map(|t| t.channel());
                (1, channel)
            }
            ServiceKind::Generic => (1, None),
        };
        PublishCost {
            data_points,
            channel,
        }
    }

    /// Checks an outgoing publish against the service: QoS, retain, size, and (Adafruit IO)
    /// the feed key. The message says what to change.
    pub fn check_publish(
        &self,
        topic: &str,
        payload_len: usize,
        qos: QoS,
        retain: bool,
    ) -> Result<(), String> {
        self.descriptor
            .check_publish(qos, retain, payload_len)
            .map_err(|e| e.to_string())?;
        if self.descriptor.kind == ServiceKind::AdafruitIo {
            match AdafruitTopic::parse(topic) {
                Some(AdafruitTopic::Feed { key, .. } | AdafruitTopic::FeedGet { key, .. }) => {
                    validate_feed_key(&key).map_err(|e| e.to_string())?
                }
                Some(
                    AdafruitTopic::Group { group, .. } | AdafruitTopic::GroupGet { group, .. },
                ) => validate_group_key(&group).map_err(|e| e.to_string())?,
                _ => {
                    return Err(format!(
                        "\"{topic}\" is not an Adafruit IO feed or group topic; publishing there \
                         counts as a failed publish and can get the account banned"
                    ))
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adafruit_connections_watch_their_throttle_and_error_topics() {
        let io = ServiceBehaviour::new(ServiceKind::AdafruitIo, Some("maker"));
        assert_eq!(
            io.automatic_subscriptions(),
            vec!["maker/throttle", "maker/errors"]
        );
        let generic = ServiceBehaviour::new(ServiceKind::Generic, Some("maker"));
        assert!(generic.automatic_subscriptions().is_empty());
        assert!(ServiceBehaviour::new(ServiceKind::AdafruitIo, Some(""))
            .automatic_subscriptions()
            .is_empty());
    }

    #[test]
    fn a_granted_feed_or_group_subscription_asks_for_the_last_value() {
        let io = ServiceBehaviour::new(ServiceKind::AdafruitIo, Some("maker"));
        assert_eq!(
            io.after_subscribed("maker/f/counter"),
            Some(("maker/f/counter/get".to_string(), GET_PAYLOAD))
        );
        assert_eq!(
            io.after_subscribed("maker/feeds/counter/csv")
                .map(|(t, _)| t),
            Some("maker/feeds/counter/csv/get".to_string())
        );
        assert_eq!(
            io.after_subscribed("maker/groups/garden").map(|(t, _)| t),
            Some("maker/groups/garden/get".to_string())
        );
        assert_eq!(io.after_subscribed("maker/f/#"), None);
        assert_eq!(
            io.after_subscribed("someone-else/feeds/lamp"),
            None,
            "another user's feed may refuse a /get"
        );
        assert!(io.may_follow(&FeedRef::Adafruit {
            owner: "maker".into(),
            key: "lamp".into()
        }));
        assert!(!io.may_follow(&FeedRef::Adafruit {
            owner: "someone-else".into(),
            key: "lamp".into()
        }));
        assert_eq!(io.after_subscribed("maker/throttle"), None);
        assert_eq!(io.after_subscribed("time/seconds"), None);
        let ts = ServiceBehaviour::new(ServiceKind::ThingSpeak, None);
        assert_eq!(ts.after_subscribed("channels/7/subscribe"), None);
    }

    #[test]
    fn publishes_cost_what_the_service_counts() {
        let io = ServiceBehaviour::new(ServiceKind::AdafruitIo, Some("maker"));
        let cost = |b: &ServiceBehaviour, topic: &str, payload: &[u8]| {
            let cost = b.publish_cost(topic, payload);
            (cost.data_points, cost.channel)
        };
        assert_eq!(cost(&io, "maker/feeds/temp", b"21"), (1, None));
        assert_eq!(cost(&io, "maker/f/temp/get", b"\0"), (0, None));
        assert_eq!(
            cost(
                &io,
                "maker/groups/garden",
                br#"{"feeds":{"a":"1","b":"2","c":"3"}}"#
            ),
            (3, None)
        );
        assert_eq!(
            cost(&io, "maker/groups/garden/csv", b"a,1\nb,2\n"),
            (2, None)
        );
        let ts = ServiceBehaviour::new(ServiceKind::ThingSpeak, None);
        assert_eq!(
            cost(&ts, "channels/7/publish", b"field1=1&field2=2"),
            (1, Some(7))
        );
        assert_eq!(
            cost(&ts, "channels/7/publish/fields/field3", b"4"),
            (1, Some(7))
        );
    }

    #[test]
    fn publishes_the_service_would_refuse_are_refused_with_a_reason() {
        let io = ServiceBehaviour::new(ServiceKind::AdafruitIo, Some("maker"));
        assert_eq!(
            io.check_publish("maker/feeds/temp", 4, QoS::AtLeastOnce, false),
            Ok(())
        );
        assert!(io
            .check_publish("maker/feeds/temp", 4, QoS::ExactlyOnce, false)
            .unwrap_err()
            .contains("QoS 2"));
        assert!(io
            .check_publish("maker/feeds/temp", 4, QoS::AtMostOnce, true)
            .unwrap_err()
            .contains("retained"));
        assert!(io
            .check_publish("maker/feeds/temp", 2000, QoS::AtMostOnce, false)
            .unwrap_err()
            .contains("1024"));
        assert!(io
            .check_publish("maker/feeds/bad_key", 1, QoS::AtMostOnce, false)
            .unwrap_err()
            .contains("'_'"));
        assert!(io
            .check_publish("homeassistant/light/state", 1, QoS::AtMostOnce, false)
            .unwrap_err()
            .contains("banned"));
        let ts = ServiceBehaviour::new(ServiceKind::ThingSpeak, None);
        assert!(ts
            .check_publish("channels/7/publish", 10, QoS::AtLeastOnce, false)
            .is_err());
        let generic = ServiceBehaviour::new(ServiceKind::Generic, None);
        assert_eq!(
            generic.check_publish("any/topic", 10, QoS::ExactlyOnce, true),
            Ok(())
        );
    }
}
