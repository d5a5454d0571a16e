//! What a service simulator decides about a client's packet, as plain values. The proxy
//! carries the decisions out; the rules engines never touch a socket or a clock.

use feedboard::mqtt::QoS;

/// Who sent a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// The client identifier from CONNECT.
    pub client_id: String,
    /// The user name from CONNECT (empty if none).
    pub username: String,
}

/// A publish made by the service itself, seen by every subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePublish {
    /// Topic.
    pub topic: String,
    /// Payload text.
    pub payload: String,
    /// Whether the broker keeps it for later subscribers (the demo's slow-changing topics;
    /// the services themselves never retain).
    pub retain: bool,
}

impl ServicePublish {
    /// A publish of `payload` on `topic`.
    pub fn new(topic: impl Into<String>, payload: impl Into<String>) -> Self {
        Self {
            topic: topic.into(),
            payload: payload.into(),
            retain: false,
        }
    }

    /// The same publish, retained by the broker.
    pub fn retained(self) -> Self {
        Self {
            retain: true,
            ..self
        }
    }
}

/// The outcome of a client's PUBLISH.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PublishOutcome {
    /// Pass the client's packet on to the broker unchanged.
    pub forward: bool,
    /// Acknowledge a QoS 1 publish to the client (the service accepted it).
    pub acknowledge: bool,
    /// Messages for this client only (topic, payload): `/get` answers.
    pub replies: Vec<ServicePublish>,
    /// Messages the service publishes for everyone.
    pub publishes: Vec<ServicePublish>,
}

/// The outcome of a client's SUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubscribeOutcome {
    /// The filters to pass on, in order (a rejected one replaced so the SUBACK still lines up).
    pub filters: Vec<(String, QoS)>,
    /// Messages the service publishes (errors, throttle warnings).
    pub publishes: Vec<ServicePublish>,
}

/// A filter no one publishes to, standing in for a subscription the service rejected.
pub const REJECTED_FILTER: &str = "feedboard-simulator/rejected-subscription";
