//! What can go wrong on an MQTT connection, in words a maker understands.

use std::fmt;

/// The broker sent bytes that are not a well-formed MQTT 3.1.1 packet, or a packet that makes no
/// sense at this point of the conversation. The connection is closed when this happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// The remaining-length field used more than four bytes.
    MalformedLength,
    /// A packet larger than the configured limit was announced.
    PacketTooLarge { size: usize, limit: usize },
    /// Packet type 0 or 15, which MQTT 3.1.1 reserves.
    ReservedPacketType(u8),
    /// A packet's fixed-header flag bits are not the ones MQTT 3.1.1 prescribes.
    InvalidFlags { packet: &'static str },
    /// A packet's body does not have the shape its type requires.
    Malformed {
        packet: &'static str,
        problem: &'static str,
    },
    /// A well-formed packet a client must never receive, or one that arrived out of turn.
    Unexpected {
        packet: &'static str,
        why: &'static str,
    },
    /// A text frame arrived where MQTT needs binary WebSocket messages.
    TextFrame,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MalformedLength => {
                write!(f, "the broker sent a packet with a corrupt length field")
            }
            Self::PacketTooLarge { size, limit } => write!(
                f,
                "the broker sent a {size}-byte packet, larger than the {limit}-byte limit"
            ),
            Self::ReservedPacketType(t) => {
                write!(
                    f,
                    "the broker sent packet type {t}, which MQTT 3.1.1 does not define"
                )
            }
            Self::InvalidFlags { packet } => {
                write!(
                    f,
                    "the broker sent a {packet} packet with invalid header flags"
                )
            }
            Self::Malformed { packet, problem } => {
                write!(f, "the broker sent a malformed {packet} packet: {problem}")
            }
            Self::Unexpected { packet, why } => {
                write!(f, "the broker sent an unexpected {packet} packet: {why}")
            }
            Self::TextFrame => write!(
                f,
                "the server sent a text message; MQTT over WebSocket uses binary messages \
                 (is this URL really an MQTT broker?)"
            ),
        }
    }
}

impl std::error::Error for ProtocolError {}

/// Why the broker refused a CONNECT (the CONNACK return code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectRefusal {
    /// Code 1.
    UnacceptableProtocolVersion,
    /// Code 2.
    IdentifierRejected,
    /// Code 3.
    ServerUnavailable,
    /// Code 4.
    BadUsernameOrPassword,
    /// Code 5.
    NotAuthorized,
    /// Code 6, Adafruit IO only: too many connection attempts.
    ReconnectRateExceeded,
    /// Code 7, Adafruit IO only: the account is banned for a while.
    Banned,
    /// Any other code.
    Unknown(u8),
}

impl ConnectRefusal {
    /// The refusal for a non-zero CONNACK return code.
    pub fn from_code(code: u8) -> Self {
        match code {
            1 => Self::UnacceptableProtocolVersion,
            2 => Self::IdentifierRejected,
            3 => Self::ServerUnavailable,
            4 => Self::BadUsernameOrPassword,
            5 => Self::NotAuthorized,
            6 => Self::ReconnectRateExceeded,
            7 => Self::Banned,
            other => Self::Unknown(other),
        }
    }

    /// The CONNACK return code this refusal came from.
    pub fn code(self) -> u8 {
        match self {
            Self::UnacceptableProtocolVersion => 1,
            Self::IdentifierRejected => 2,
            Self::ServerUnavailable => 3,
            Self::BadUsernameOrPassword => 4,
            Self::NotAuthorized => 5,
            Self::ReconnectRateExceeded => 6,
            Self::Banned => 7,
            Self::Unknown(code) => code,
        }
    }

    /// Whether trying again with the same settings can succeed later. Credentials problems
    /// cannot: retrying them only burns the service's connection budget.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::ServerUnavailable | Self::ReconnectRateExceeded | Self::Banned | Self::Unknown(_)
        )
    }
}

impl fmt::Display for ConnectRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnacceptableProtocolVersion => {
                write!(f, "the broker does not accept MQTT 3.1.1 (code 1)")
            }
            Self::IdentifierRejected => write!(
                f,
                "the broker rejected the client ID (code 2); try another one or leave it empty"
            ),
            Self::ServerUnavailable => {
                write!(
                    f,
                    "the broker is unavailable right now (code 3); try again later"
                )
            }
            Self::BadUsernameOrPassword => write!(
                f,
                "wrong username or password (code 4); for Adafruit IO use your username and AIO key"
            ),
            Self::NotAuthorized => {
                write!(
                    f,
                    "not authorised: the broker refused these credentials (code 5)"
                )
            }
            Self::ReconnectRateExceeded => write!(
                f,
                "too many connection attempts (code 6); wait at least a minute before reconnecting"
            ),
            Self::Banned => write!(
                f,
                "the account is temporarily banned for exceeding the service's limits (code 7)"
            ),
            Self::Unknown(code) => {
                write!(
                    f,
                    "the broker refused the connection with unknown code {code}"
                )
            }
        }
    }
}

/// Why a command given to the session was not carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// The topic name of a PUBLISH is not valid.
    InvalidTopic(String),
    /// A subscription filter is not valid.
    InvalidFilter(String),
    /// The packet would exceed what MQTT can encode or what the session allows.
    TooLarge { size: usize, limit: usize },
    /// Every packet identifier is taken by an unacknowledged packet.
    NoPacketIdFree,
    /// The session is not connected, and this command cannot wait for it.
    NotConnected,
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidTopic(why) => write!(f, "invalid topic: {why}"),
            Self::InvalidFilter(why) => write!(f, "invalid topic filter: {why}"),
            Self::TooLarge { size, limit } => {
                write!(f, "message too large: {size} bytes, the limit is {limit}")
            }
            Self::NoPacketIdFree => write!(
                f,
                "too many messages are waiting for the broker's acknowledgement; try again shortly"
            ),
            Self::NotConnected => write!(f, "not connected"),
        }
    }
}

impl std::error::Error for CommandError {}
