//! What the user chose in the connection form, and the session settings it makes.

use crate::budget::budgets::BudgetSettings;
use crate::history::request::{api_address, Access};
use crate::mqtt::reconnect::ReconnectPolicy;
use crate::mqtt::SessionConfig;
use crate::service::{ServiceDescriptor, ServiceKind};

/// The settings of one connection.
#[derive(Clone, PartialEq)]
pub struct ConnectionSettings {
    /// Which service the broker is.
    pub service: ServiceKind,
    /// ws:// or wss:// URL.
    pub url: String,
    /// Client identifier; empty lets the broker choose.
    pub client_id: String,
    /// Optional user name.
    pub username: String,
    /// Optional password; kept in memory only.
    pub password: String,
    /// The plan and safety margin the rate budgets follow.
    pub budget: BudgetSettings,
    /// Start a clean session; `false` asks the broker to keep it (and queue QoS 1/2 messages
    /// for this client ID) while the page is away.
    pub clean_session: bool,
    /// The service's HTTP API address for history; empty: worked out (see
    /// [`crate::history::request::api_address`]).
    pub history_api: String,
    /// ThingSpeak Read API keys of private channels (channel, key); kept like the password.
    pub read_keys: Vec<(u64, String)>,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            service: ServiceKind::Generic,
            url: String::new(),
            client_id: String::new(),
            username: String::new(),
            password: String::new(),
            budget: BudgetSettings::default(),
            clean_session: true,
            history_api: String::new(),
            read_keys: Vec::new(),
        }
    }
}

impl std::fmt::Debug for ConnectionSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionSettings")
            .field("service", &self.service)
            .field("url", &self.url)
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("budget", &self.budget)
            .field("clean_session", &self.clean_session)
            .field("history_api", &self.history_api)
            .finish_non_exhaustive()
    }
}

impl ConnectionSettings {
    /// The session settings; `random_seed` spreads the reconnect jitter of tabs and devices.
    pub fn session_config(&self, random_seed: u64) -> SessionConfig {
        let optional = |text: &str| (!text.is_empty()).then(|| text.to_owned());
        let limits = ServiceDescriptor::of(self.service).action_limits;
        SessionConfig {
            client_id: self.client_id.trim().to_owned(),
            username: optional(self.username.trim()),
            password: optional(&self.password),
            reconnect: Some(ReconnectPolicy {
                first_delay: limits.min_reconnect_delay,
                ..ReconnectPolicy::default()
            }),
            random_seed,
            // Resends after a reconnect are publishes too: the budgets release them.
            hold_resends: true,
            clean_session: self.clean_session,
            ..SessionConfig::default()
        }
    }

    /// The HTTP API address history is read from, if the service keeps history.
    pub fn history_address(&self) -> Option<String> {
        let service = ServiceDescriptor::of(self.service);
        let api = service.history?;
        Some(api_address(
            &api,
            service.default_url,
            &self.history_api,
            &self.url,
        ))
    }

    /// What history reads need: the address, the key (Adafruit IO's is the MQTT password) and
    /// the channels' read keys. `None` for a broker without history.
    pub fn history_access(&self) -> Option<Access> {
        let api = ServiceDescriptor::of(self.service).history?;
        Some(Access {
            dialect: api.dialect,
            base: self.history_address()?,
            key: self.password.clone(),
            read_keys: self.read_keys.clone(),
        })
    }

    /// The account the connection logs in as (the service counts its limits per account).
    pub fn account(&self) -> (ServiceKind, &str) {
        (self.service, self.username.trim())
    }

    /// The parts that name this connection in storage: service id, URL and user (no secret).
    pub fn storage_parts(&self) -> [&str; 3] {
        [self.service.id(), self.url.trim(), self.username.trim()]
    }
}
