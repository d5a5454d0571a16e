//! The MQTT 3.1.1 client, free of I/O: framing, packet checks, the session state machine and
//! topic filters. Nothing here may depend on the browser.

pub mod encode;
pub mod error;
pub mod framing;
pub mod inflight;
pub mod reconnect;
pub mod session;
pub mod subscriptions;
pub mod topic;

pub use error::{CommandError, ConnectRefusal, ProtocolError};
pub use session::{ConnectionState, DisconnectReason, Event, Message, Session, SessionConfig};
pub use subscriptions::{Subscription, SubscriptionStatus};

use std::fmt;

/// MQTT quality of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum QoS {
    /// QoS 0: fire and forget.
    #[default]
    AtMostOnce,
    /// QoS 1: acknowledged, may be duplicated.
    AtLeastOnce,
    /// QoS 2: exactly once.
    ExactlyOnce,
}

impl QoS {
    /// The level as a number, 0 to 2.
    pub fn level(self) -> u8 {
        match self {
            QoS::AtMostOnce => 0,
            QoS::AtLeastOnce => 1,
            QoS::ExactlyOnce => 2,
        }
    }

    /// The QoS for a level number, if it exists.
    pub fn from_level(level: u8) -> Option<QoS> {
        match level {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

impl fmt::Display for QoS {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QoS {}", self.level())
    }
}

impl From<QoS> for mqttrs::QoS {
    fn from(qos: QoS) -> Self {
        match qos {
            QoS::AtMostOnce => mqttrs::QoS::AtMostOnce,
            QoS::AtLeastOnce => mqttrs::QoS::AtLeastOnce,
            QoS::ExactlyOnce => mqttrs::QoS::ExactlyOnce,
        }
    }
}

impl From<mqttrs::QoS> for QoS {
    fn from(qos: mqttrs::QoS) -> Self {
        match qos {
            mqttrs::QoS::AtMostOnce => QoS::AtMostOnce,
            mqttrs::QoS::AtLeastOnce => QoS::AtLeastOnce,
            mqttrs::QoS::ExactlyOnce => QoS::ExactlyOnce,
        }
    }
}
