//! What the budgets count: classes of actions, and the actions the client asks to make.

use crate::service::behaviour::PublishCost;
use std::fmt;

/// A kind of action a service limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActionClass {
    /// Data points published (a group publish costs one per feed in it).
    Data,
    /// One channel's updates (ThingSpeak counts each channel on its own).
    ChannelUpdate(u64),
    /// SUBSCRIBE packets.
    Subscribe,
    /// Subscriptions the service refused.
    FailedSubscribe,
    /// Publishes the service refused.
    FailedPublish,
    /// Connection attempts.
    Connect,
    /// Reads of a feed's history over the service's HTTP API.
    HistoryRead,
}

impl ActionClass {
    /// A stable id, for element attributes and the cross-tab ledger.
    pub fn id(self) -> String {
        match self {
            Self::Data => "data".to_owned(),
            Self::ChannelUpdate(channel) => format!("channel-{channel}"),
            Self::Subscribe => "subscribe".to_owned(),
            Self::FailedSubscribe => "failed-subscribe".to_owned(),
            Self::FailedPublish => "failed-publish".to_owned(),
            Self::Connect => "connect".to_owned(),
            Self::HistoryRead => "history-read".to_owned(),
        }
    }

    /// The class with id `id`.
    pub fn from_id(id: &str) -> Option<Self> {
        Some(match id {
            "data" => Self::Data,
            "subscribe" => Self::Subscribe,
            "failed-subscribe" => Self::FailedSubscribe,
            "failed-publish" => Self::FailedPublish,
            "connect" => Self::Connect,
            "history-read" => Self::HistoryRead,
            other => Self::ChannelUpdate(other.strip_prefix("channel-")?.parse().ok()?),
        })
    }
}

impl fmt::Display for ActionClass {
    /// A label for meters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Data => f.write_str("Data points"),
            Self::ChannelUpdate(channel) => write!(f, "Channel {channel} updates"),
            Self::Subscribe => f.write_str("Subscriptions"),
            Self::FailedSubscribe => f.write_str("Refused subscriptions"),
            Self::FailedPublish => f.write_str("Refused publishes"),
            Self::Connect => f.write_str("Connection attempts"),
            Self::HistoryRead => f.write_str("History reads"),
        }
    }
}

/// An action the client wants to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A PUBLISH.
    Publish {
        /// Its topic.
        topic: String,
        /// Data points it costs (0 for a `/get` request).
        data_points: u32,
        /// The ThingSpeak channel it updates.
        channel: Option<u64>,
    },
    /// A SUBSCRIBE of this many filters.
    Subscribe {
        /// Filters in it.
        filters: u32,
    },
    /// Opening a connection, which renews this many subscriptions once accepted.
    Connect {
        /// Subscriptions renewed.
        renewals: u32,
        /// Whether the page reconnects by itself (kept apart by the service's reconnect
        /// spacing); an attempt the user asked for counts but need not wait for the spacing.
        automatic: bool,
    },
    /// One HTTP read of a feed's history (a page of it).
    HistoryRead,
}

impl Request {
    /// A publish on `topic` costing `cost`.
    pub fn publish(topic: &str, cost: PublishCost) -> Self {
        Self::Publish {
            topic: topic.to_owned(),
            data_points: cost.data_points,
            channel: cost.channel,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_ids_round_trip() {
        for class in [
            ActionClass::Data,
            ActionClass::ChannelUpdate(1000),
            ActionClass::Subscribe,
            ActionClass::FailedSubscribe,
            ActionClass::FailedPublish,
            ActionClass::Connect,
            ActionClass::HistoryRead,
        ] {
            assert_eq!(ActionClass::from_id(&class.id()), Some(class));
        }
        assert_eq!(ActionClass::from_id("channel-x"), None);
        assert_eq!(ActionClass::from_id("naps"), None);
    }
}
