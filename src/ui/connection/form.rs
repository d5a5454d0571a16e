//! The connection form's fields, filled from a profile and read back as connection settings.

use super::random_client_id;
use crate::budget::budgets::{BudgetSettings, PlanChoice, DEFAULT_MARGIN};
use crate::decimal::parse_finite;
use crate::link::ConnectionSettings;
use crate::profile::Profile;
use crate::profile::ProfileDetails;
use crate::service::descriptor::{CredentialRole, RateLimit, ServiceDescriptor};
use crate::service::ServiceKind;
use leptos::prelude::*;

/// The service of a `<select>` value (a plain broker for anything unknown).
pub fn service_of(value: &str) -> ServiceKind {
    ServiceKind::from_id(value).unwrap_or(ServiceKind::Generic)
}

/// The service's own name for a credential, falling back to a plain one.
pub fn credential_label(kind: ServiceKind, role: CredentialRole) -> &'static str {
    ServiceDescriptor::of(kind)
        .credentials
        .iter()
        .find(|field| field.role == role)
        .map(|field| field.label)
        .unwrap_or(match role {
            CredentialRole::ClientId => "Client ID",
            CredentialRole::Username => "Username",
            CredentialRole::Password => "Password",
        })
}

/// The form's fields.
#[derive(Clone, Copy)]
pub struct Form {
    pub name: RwSignal<String>,
    pub service: RwSignal<String>,
    pub url: RwSignal<String>,
    pub client_id: RwSignal<String>,
    pub username: RwSignal<String>,
    pub password: RwSignal<String>,
    pub remember: RwSignal<bool>,
    pub plan: RwSignal<String>,
    pub custom_rate: RwSignal<String>,
    pub margin: RwSignal<String>,
    pub persistent: RwSignal<bool>,
    pub channels: RwSignal<String>,
    pub history_api: RwSignal<String>,
    pub read_keys: RwSignal<Vec<(u64, String)>>,
}

impl Form {
    /// Empty fields for a plain broker.
    pub fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            service: RwSignal::new(ServiceKind::Generic.id().to_owned()),
            url: RwSignal::new(String::new()),
            client_id: RwSignal::new(String::new()),
            username: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            remember: RwSignal::new(false),
            plan: RwSignal::new(String::new()),
            custom_rate: RwSignal::new(String::new()),
            margin: RwSignal::new(format!("{:.0}", DEFAULT_MARGIN * 100.0)),
            persistent: RwSignal::new(false),
            channels: RwSignal::new(String::new()),
            history_api: RwSignal::new(String::new()),
            read_keys: RwSignal::new(Vec::new()),
        }
    }

    /// Fills the fields from `profile` (a random client ID when it has none).
    pub fn load(&self, profile: &Profile) {
        self.name.set(profile.name.clone());
        self.service.set(profile.service.id().to_owned());
        self.url.set(profile.url.clone());
        self.client_id.set(if profile.client_id.is_empty() {
            random_client_id()
        } else {
            profile.client_id.clone()
        });
        self.username.set(profile.username.clone());
        self.password
            .set(profile.secret.clone().unwrap_or_default());
        self.remember.set(profile.remember_secret);
        let (plan, custom) = match &profile.plan {
            // No plan chosen means the service's first (free) one: show it.
            PlanChoice::Named(id) if id.is_empty() => (
                ServiceDescriptor::of(profile.service)
                    .plans
                    .first()
                    .map(|p| p.id.to_owned())
                    .unwrap_or_default(),
                String::new(),
            ),
            PlanChoice::Named(id) => (id.clone(), String::new()),
            PlanChoice::Custom(limit) => (CUSTOM_PLAN.to_owned(), limit.count.to_string()),
        };
        self.plan.set(plan);
        self.custom_rate.set(custom);
        self.margin.set(format!("{:.0}", profile.margin * 100.0));
        self.persistent.set(!profile.clean_session);
        let channels: Vec<String> = profile.channels.iter().map(u64::to_string).collect();
        self.channels.set(channels.join(", "));
        self.history_api.set(profile.history_api.clone());
        self.read_keys.set(profile.read_keys.clone());
    }

    /// The service chosen.
    pub fn kind(&self) -> ServiceKind {
        service_of(&self.service.get_untracked())
    }

    /// The connection settings the fields make.
    pub fn settings(&self) -> ConnectionSettings {
        ConnectionSettings {
            service: self.kind(),
            url: self.url.get_untracked(),
            client_id: self.client_id.get_untracked(),
            username: self.username.get_untracked(),
            password: self.password.get_untracked(),
            budget: budget_settings(
                self.kind(),
                &self.plan.get_untracked(),
                &self.custom_rate.get_untracked(),
                &self.margin.get_untracked(),
            ),
            clean_session: !self.persistent.get_untracked(),
            history_api: self.history_api.get_untracked().trim().to_owned(),
            read_keys: self.read_keys_for_channels(),
        }
    }

    /// The read keys typed for the channels listed now (keys of channels no longer listed,
    /// and empty ones, are left out).
    fn read_keys_for_channels(&self) -> Vec<(u64, String)> {
        let channels = parse_channels(&self.channels.get_untracked());
        self.read_keys.with_untracked(|keys| {
            keys.iter()
                .filter(|(channel, key)| channels.contains(channel) && !key.trim().is_empty())
                .map(|(channel, key)| (*channel, key.trim().to_owned()))
                .collect()
        })
    }

    /// The read key typed for `channel`.
    pub fn read_key(&self, channel: u64) -> String {
        self.read_keys.with(|keys| {
            keys.iter()
                .find(|(c, _)| *c == channel)
                .map(|(_, key)| key.clone())
                .unwrap_or_default()
        })
    }

    /// Sets the read key of `channel`.
    pub fn set_read_key(&self, channel: u64, key: String) {
        self.read_keys.update(|keys| {
            keys.retain(|(c, _)| *c != channel);
            keys.push((channel, key));
        });
    }

    /// What the connection form adds to the settings.
    pub fn details(&self) -> ProfileDetails {
        ProfileDetails {
            name: self.name.get_untracked(),
            remember_secret: self.remember.get_untracked(),
            channels: parse_channels(&self.channels.get_untracked()),
        }
    }
}

/// Channel ids typed as `1000, 1001` (anything not a number is left out).
pub fn parse_channels(text: &str) -> Vec<u64> {
    text.split([',', ' ', ';'])
        .filter_map(|part| part.trim().parse().ok())
        .collect()
}

/// The plan select's value for a rate of the user's own.
pub const CUSTOM_PLAN: &str = "custom";

/// The budget settings from the form: the plan (a custom rate must be a whole number above
/// zero, else the service's default plan applies) and the margin in percent (0–50).
fn budget_settings(
    kind: ServiceKind,
    plan: &str,
    custom_rate: &str,
    margin: &str,
) -> BudgetSettings {
    let margin = parse_finite(margin).map_or(DEFAULT_MARGIN, |m| m.clamp(0.0, 50.0) / 100.0);
    let custom = custom_rate
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|rate| *rate > 0);
    let plan = match (plan, custom) {
        (CUSTOM_PLAN, Some(rate)) if kind == ServiceKind::AdafruitIo => {
            PlanChoice::Custom(RateLimit::per_minute(rate))
        }
        (CUSTOM_PLAN, _) => PlanChoice::Named(String::new()),
        (id, _) => PlanChoice::Named(id.to_owned()),
    };
    BudgetSettings { plan, margin }
}
