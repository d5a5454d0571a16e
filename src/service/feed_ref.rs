//! [`FeedRef`]: one feed, whatever the service — an Adafruit IO feed, a ThingSpeak channel
//! field, or a topic — with the stable text form saved layouts and element attributes use.

use std::fmt;

/// Identifies one feed across services.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeedRef {
    /// An Adafruit IO feed; `key` may be `group.key`.
    Adafruit { owner: String, key: String },
    /// One field of a ThingSpeak channel.
    ThingSpeakField { channel: u64, field: u8 },
    /// Anything else, identified by its topic.
    Topic(String),
}

impl fmt::Display for FeedRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Adafruit { owner, key } => write!(f, "{owner}/{key}"),
            Self::ThingSpeakField { channel, field } => {
                write!(f, "channel {channel} field {field}")
            }
            Self::Topic(topic) => f.write_str(topic),
        }
    }
}

impl FeedRef {
    /// A stable text form, for element attributes and saved layouts: `aio:owner/key`,
    /// `ts:channel/field`, `topic:any/topic`.
    pub fn id(&self) -> String {
        match self {
            Self::Adafruit { owner, key } => format!("aio:{owner}/{key}"),
            Self::ThingSpeakField { channel, field } => format!("ts:{channel}/{field}"),
            Self::Topic(topic) => format!("topic:{topic}"),
        }
    }

    /// The feed whose [`FeedRef::id`] is `id`.
    pub fn from_id(id: &str) -> Option<Self> {
        let (scheme, rest) = id.split_once(':')?;
        match scheme {
            "aio" => {
                let (owner, key) = rest.split_once('/')?;
                (!owner.is_empty() && !key.is_empty()).then(|| Self::Adafruit {
                    owner: owner.to_owned(),
                    key: key.to_owned(),
                })
            }
            "ts" => {
                let (channel, field) = rest.split_once('/')?;
                Some(Self::ThingSpeakField {
                    channel: channel.parse().ok()?,
                    field: field.parse().ok()?,
                })
            }
            "topic" if !rest.is_empty() => Some(Self::Topic(rest.to_owned())),
            _ => None,
        }
    }

    /// A name for card titles: the feed key on Adafruit IO (the owner is the user), the field
    /// on ThingSpeak, the topic otherwise.
    pub fn short_name(&self) -> String {
        match self {
            Self::Adafruit { key, .. } => key.clone(),
            Self::ThingSpeakField { channel, field } => format!("{channel} · field{field}"),
            Self::Topic(topic) => topic.clone(),
        }
    }
}
