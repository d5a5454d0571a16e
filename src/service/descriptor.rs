//! Each service described as data: where to connect, what the credentials are called, what it
//! supports and what it limits. The rest of the app reads these instead of branching on names.

use crate::mqtt::QoS;
use std::fmt;
use std::time::Duration;

/// Which service a descriptor describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceKind {
    /// Adafruit IO.
    AdafruitIo,
    /// ThingSpeak.
    ThingSpeak,
    /// Any MQTT 3.1.1 broker.
    Generic,
}

impl ServiceKind {
    /// Every service, in menu order, with its stable id.
    pub const ALL: [(ServiceKind, &'static str); 3] = [
        (ServiceKind::Generic, "generic"),
        (ServiceKind::AdafruitIo, "adafruit-io"),
        (ServiceKind::ThingSpeak, "thingspeak"),
    ];

    /// The stable id, for forms and saved profiles.
    pub fn id(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or("generic", |(_, id)| id)
    }

    /// The service with id `id`.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, i)| *i == id)
            .map(|(kind, _)| *kind)
    }
}

/// A credential the connection form asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialField {
    /// What the field stands for in CONNECT.
    pub role: CredentialRole,
    /// The label the service's own documentation uses.
    pub label: &'static str,
    /// Whether the connection cannot work without it.
    pub required: bool,
    /// Help text shown under the field.
    pub hint: &'static str,
}

/// Where a credential goes in CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialRole {
    /// The client identifier.
    ClientId,
    /// The user name.
    Username,
    /// The password (a secret: kept in memory only).
    Password,
}

/// How many of an action are allowed per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Actions allowed…
    pub count: u32,
    /// …per this period.
    pub period: Duration,
    /// Whom the limit counts.
    pub scope: LimitScope,
}

impl RateLimit {
    /// `count` per minute for the whole account.
    pub const fn per_minute(count: u32) -> Self {
        Self {
            count,
            period: Duration::from_secs(60),
            scope: LimitScope::Account,
        }
    }

    /// One update per `seconds` for each channel.
    pub const fn one_per_channel_every(seconds: u64) -> Self {
        Self {
            count: 1,
            period: Duration::from_secs(seconds),
            scope: LimitScope::PerChannel,
        }
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.period.as_secs();
        match (self.count, seconds, self.scope) {
            (count, 60, LimitScope::Account) => write!(f, "{count} per minute"),
            (1, seconds, LimitScope::PerChannel) => {
                write!(f, "one update every {seconds} s per channel")
            }
            (count, seconds, _) => write!(f, "{count} per {seconds} s"),
        }
    }
}

/// Whom a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitScope {
    /// Every connection of the account together (all devices, scripts and tabs).
    Account,
    /// Each channel separately.
    PerChannel,
}

/// A price plan and its data rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Stable identifier, for saved profiles.
    pub id: &'static str,
    /// Name shown to people.
    pub name: &'static str,
    /// How fast data may be published; `None` for no limit.
    pub publish_limit: Option<RateLimit>,
}

/// Limits on actions other than publishing data, past which the service bans the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ActionLimits {
    /// SUBSCRIBE packets.
    pub subscribe: Option<RateLimit>,
    /// SUBSCRIBEs the service refuses.
    pub failed_subscribe: Option<RateLimit>,
    /// PUBLISHes the service refuses.
    pub failed_publish: Option<RateLimit>,
    /// Connection attempts.
    pub connect_attempts: Option<RateLimit>,
    /// The shortest pause the service advises between reconnects.
    pub min_reconnect_delay: Duration,
}

/// Which history API grammar a service speaks (URLs and response shapes differ per service;
/// `crate::history` reads both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HistoryDialect {
    /// Adafruit IO's `/api/v2/{user}/feeds/{key}/data` and `/data/chart`.
    AdafruitIo,
    /// ThingSpeak's `/channels/{id}/feeds.json`.
    ThingSpeak,
}

/// A service's HTTP API for the history of its feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryApi {
    /// The grammar.
    pub dialect: HistoryDialect,
    /// The API's address (users may override it, e.g. to reach the local simulator).
    pub default_base: &'static str,
    /// The API's path below a host, for an address made from an overridden broker URL.
    pub path: &'static str,
    /// Reads allowed, per account: the services throttle reads without saying how fast, so
    /// Feedboard keeps well below what a dashboard page needs.
    pub read_limit: RateLimit,
}

/// Everything the app needs to know about a service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceDescriptor {
    /// Which service.
    pub kind: ServiceKind,
    /// Name shown to people.
    pub name: &'static str,
    /// Default WebSocket URL (users may override it, e.g. to reach the local simulator).
    pub default_url: &'static str,
    /// The credentials the connection form asks for, in order.
    pub credentials: &'static [CredentialField],
    /// The QoS levels the service accepts for publishing.
    pub publish_qos: &'static [QoS],
    /// Whether the retain flag is honoured.
    pub retain: bool,
    /// Largest payload the service accepts, bytes.
    pub max_payload: usize,
    /// Plans, the first being the default.
    pub plans: &'static [Plan],
    /// Limits on other actions.
    pub action_limits: ActionLimits,
    /// Whether a `/get` publish fetches a feed's last value (Adafruit IO instead of retain).
    pub last_value_on_get: bool,
    /// Where the history of feeds can be read, if the service keeps it.
    pub history: Option<HistoryApi>,
}

/// Why the service would refuse an outgoing publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishRuleError {
    /// The QoS is not supported.
    QosNotSupported { service: &'static str, qos: QoS },
    /// Retain is not supported.
    RetainNotSupported {
        service: &'static str,
        hint: &'static str,
    },
    /// The payload is too large.
    TooLarge {
        service: &'static str,
        size: usize,
        limit: usize,
    },
}

impl fmt::Display for PublishRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::QosNotSupported { service, qos } => {
                write!(f, "{service} does not accept {qos} for publishing")
            }
            Self::RetainNotSupported { service, hint } => {
                write!(f, "{service} does not support retained messages; {hint}")
            }
            Self::TooLarge {
                service,
                size,
                limit,
            } => write!(
                f,
                "the message is {size} bytes; {service} accepts at most {limit} bytes"
            ),
        }
    }
}

impl std::error::Error for PublishRuleError {}

impl ServiceDescriptor {
    /// Checks a publish against what the service supports.
    pub fn check_publish(
        &self,
        qos: QoS,
        retain: bool,
        payload_len: usize,
    ) -> Result<(), PublishRuleError> {
        if !self.publish_qos.contains(&qos) {
            return Err(PublishRuleError::QosNotSupported {
                service: self.name,
                qos,
            });
        }
        if retain && !self.retain {
            let hint = if self.last_value_on_get {
                "Feedboard fetches the last value with /get instead"
            } else {
                "send without retain"
            };
            return Err(PublishRuleError::RetainNotSupported {
                service: self.name,
                hint,
            });
        }
        if payload_len > self.max_payload {
            return Err(PublishRuleError::TooLarge {
                service: self.name,
                size: payload_len,
                limit: self.max_payload,
            });
        }
        Ok(())
    }

    /// The plan with `id`, or the default plan.
    pub fn plan(&self, id: &str) -> Option<&Plan> {
        self.plans
            .iter()
            .find(|plan| plan.id == id)
            .or(self.plans.first())
    }

    /// The descriptor for `kind`.
    pub fn of(kind: ServiceKind) -> &'static ServiceDescriptor {
        match kind {
            ServiceKind::AdafruitIo => &ADAFRUIT_IO,
            ServiceKind::ThingSpeak => &THINGSPEAK,
            ServiceKind::Generic => &GENERIC,
        }
    }
}

/// Services that limit nothing but data: no action limits, reconnect after a second.
const NO_ACTION_LIMITS: ActionLimits = ActionLimits {
    subscribe: None,
    failed_subscribe: None,
    failed_publish: None,
    connect_attempts: None,
    min_reconnect_delay: Duration::from_secs(1),
};

/// Adafruit IO.
pub const ADAFRUIT_IO: ServiceDescriptor = ServiceDescriptor {
    kind: ServiceKind::AdafruitIo,
    name: "Adafruit IO",
    default_url: "wss://io.adafruit.com:443/mqtt",
    credentials: &[
        CredentialField {
            role: CredentialRole::Username,
            label: "Adafruit IO username",
            required: true,
            hint: "your username, shown on io.adafruit.com under \"My Key\"",
        },
        CredentialField {
            role: CredentialRole::Password,
            label: "AIO key",
            required: true,
            hint: "the key works like your account password: keep it secret",
        },
    ],
    publish_qos: &[QoS::AtMostOnce, QoS::AtLeastOnce],
    retain: false,
    // 1 KB per value on normal feeds (100 KB only with feed history off).
    max_payload: 1024,
    plans: &[
        Plan {
            id: "free",
            name: "Free (30 data points/min)",
            publish_limit: Some(RateLimit::per_minute(30)),
        },
        Plan {
            id: "plus",
            name: "IO+ (60 data points/min)",
            publish_limit: Some(RateLimit::per_minute(60)),
        },
    ],
    action_limits: ActionLimits {
        subscribe: Some(RateLimit::per_minute(100)),
        failed_subscribe: Some(RateLimit::per_minute(10)),
        failed_publish: Some(RateLimit::per_minute(10)),
        connect_attempts: Some(RateLimit::per_minute(20)),
        min_reconnect_delay: Duration::from_secs(10),
    },
    last_value_on_get: true,
    history: Some(HistoryApi {
        dialect: HistoryDialect::AdafruitIo,
        default_base: "https://io.adafruit.com/api/v2",
        path: "/api/v2",
        read_limit: RateLimit::per_minute(20),
    }),
};

/// ThingSpeak.
pub const THINGSPEAK: ServiceDescriptor = ServiceDescriptor {
    kind: ServiceKind::ThingSpeak,
    name: "ThingSpeak",
    default_url: "wss://mqtt3.thingspeak.com:443/mqtt",
    credentials: &[
        CredentialField {
            role: CredentialRole::ClientId,
            label: "MQTT device client ID",
            required: true,
            hint: "from Devices > MQTT on thingspeak.com",
        },
        CredentialField {
            role: CredentialRole::Username,
            label: "MQTT device username",
            required: true,
            hint: "from the same MQTT device",
        },
        CredentialField {
            role: CredentialRole::Password,
            label: "MQTT device password",
            required: true,
            hint: "shown once when the device was created",
        },
    ],
    publish_qos: &[QoS::AtMostOnce],
    retain: false,
    max_payload: 3000,
    plans: &[
        Plan {
            id: "free",
            name: "Free (one update every 15 s per channel)",
            publish_limit: Some(RateLimit::one_per_channel_every(15)),
        },
        Plan {
            id: "paid",
            name: "Paid (one update per second per channel)",
            publish_limit: Some(RateLimit::one_per_channel_every(1)),
        },
    ],
    action_limits: NO_ACTION_LIMITS,
    last_value_on_get: false,
    history: Some(HistoryApi {
        dialect: HistoryDialect::ThingSpeak,
        default_base: "https://api.thingspeak.com",
        path: "",
        read_limit: RateLimit::per_minute(30),
    }),
};

/// Any MQTT 3.1.1 broker.
pub const GENERIC: ServiceDescriptor = ServiceDescriptor {
    kind: ServiceKind::Generic,
    name: "MQTT broker",
    default_url: "ws://localhost:9001/mqtt",
    credentials: &[
        CredentialField {
            role: CredentialRole::ClientId,
            label: "Client ID",
            required: false,
            hint: "leave empty to let the broker pick one",
        },
        CredentialField {
            role: CredentialRole::Username,
            label: "Username",
            required: false,
            hint: "if the broker asks for one",
        },
        CredentialField {
            role: CredentialRole::Password,
            label: "Password",
            required: false,
            hint: "if the broker asks for one",
        },
    ],
    publish_qos: &[QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce],
    retain: true,
    max_payload: 268_435_455,
    plans: &[Plan {
        id: "unlimited",
        name: "No service limit",
        publish_limit: None,
    }],
    action_limits: NO_ACTION_LIMITS,
    last_value_on_get: false,
    history: None,
};
