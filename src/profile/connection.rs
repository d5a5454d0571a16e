//! A profile as a connection: the settings it connects with, what a connection made from the
//! form writes back into it, and which profile a connection belongs to.

use super::{Preset, Profile, ProfileBook};
use crate::budget::budgets::BudgetSettings;
use crate::link::ConnectionSettings;
use crate::service::thingspeak::ThingSpeakTopic;
use crate::service::{ServiceDescriptor, ServiceKind};

/// What the connection form adds to the settings when it connects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileDetails {
    /// The profile's name (empty: made from the connection).
    pub name: String,
    /// Keep the secret on this device.
    pub remember_secret: bool,
    /// ThingSpeak channels to follow.
    pub channels: Vec<u64>,
}

/// Names the presets give, which a connection replaces with one of its own.
const PRESET_NAMES: [&str; 5] = ["MQTT broker", "Adafruit IO", "ThingSpeak", "Local demo", ""];

/// A name for a connection that has none: the service and the user, or the broker's host.
pub fn default_name(settings: &ConnectionSettings) -> String {
    let user = settings.username.trim();
    match settings.service {
        ServiceKind::AdafruitIo if !user.is_empty() => format!("Adafruit IO · {user}"),
        ServiceKind::ThingSpeak if !user.is_empty() => format!("ThingSpeak · {user}"),
        ServiceKind::AdafruitIo => "Adafruit IO".to_owned(),
        ServiceKind::ThingSpeak => "ThingSpeak".to_owned(),
        ServiceKind::Generic => {
            let url = settings.url.trim();
            let host = url
                .split("://")
                .nth(1)
                .unwrap_or(url)
                .split(['/', '?'])
                .next()
                .unwrap_or(url);
            if host.is_empty() {
                "MQTT broker".to_owned()
            } else {
                host.to_owned()
            }
        }
    }
}

/// The name a connection form shows after the user picks `service`: the service's own name
/// while the name is still a preset's (or empty), so saved connections are not listed under
/// another service's name; `None` keeps a name the user chose.
pub fn name_for_service(current: &str, service: ServiceKind) -> Option<&'static str> {
    PRESET_NAMES
        .contains(&current.trim())
        .then(|| ServiceDescriptor::of(service).name)
}

impl Profile {
    /// The settings this profile connects with (the secret only if it has one in memory).
    pub fn settings(&self) -> ConnectionSettings {
        ConnectionSettings {
            service: self.service,
            url: self.url.clone(),
            client_id: self.client_id.clone(),
            username: self.username.clone(),
            password: self.secret.clone().unwrap_or_default(),
            budget: BudgetSettings {
                plan: self.plan.clone(),
                margin: self.margin,
            },
            clean_session: self.clean_session,
            history_api: self.history_api.clone(),
            read_keys: self.read_keys.clone(),
        }
    }

    /// The details the form shows for this profile.
    pub fn details(&self) -> ProfileDetails {
        ProfileDetails {
            name: self.name.clone(),
            remember_secret: self.remember_secret,
            channels: self.channels.clone(),
        }
    }

    /// Takes the connection's settings and the form's details (a preset's name gives way to one
    /// made from the connection).
    pub fn apply(&mut self, settings: &ConnectionSettings, details: &ProfileDetails) {
        let typed = details.name.trim();
        self.name = if !typed.is_empty() {
            typed.to_owned()
        } else if PRESET_NAMES.contains(&self.name.as_str()) {
            default_name(settings)
        } else {
            self.name.clone()
        };
        self.service = settings.service;
        self.url = settings.url.trim().to_owned();
        self.client_id = settings.client_id.trim().to_owned();
        self.username = settings.username.trim().to_owned();
        self.secret = (!settings.password.is_empty()).then(|| settings.password.clone());
        self.remember_secret = details.remember_secret;
        self.plan = settings.budget.plan.clone();
        self.margin = settings.budget.margin;
        self.clean_session = settings.clean_session;
        self.channels = details.channels.clone();
        self.history_api = settings.history_api.trim().to_owned();
        self.read_keys = settings.read_keys.clone();
    }

    /// The subscriptions the profile's ThingSpeak channels make.
    pub fn channel_filters(&self) -> Vec<String> {
        self.channels
            .iter()
            .map(|channel| ThingSpeakTopic::ChannelSubscribe { channel: *channel }.to_string())
            .collect()
    }
}

impl ProfileBook {
    /// The profile a connection with `settings` is saved in, given the one in use: the one in
    /// use if it is that connection (or not saved yet); else the saved one for the same
    /// service, URL and user (keeping a secret typed for it in this page); else a new one
    /// with id `new_id`.
    pub fn profile_for(
        &self,
        current: &Profile,
        settings: &ConnectionSettings,
        new_id: &str,
    ) -> Profile {
        let (service, url, user) = (settings.service, &settings.url, &settings.username);
        if current.is_connection(service, url, user) {
            return current.clone();
        }
        if let Some(saved) = self.find_connection(service, url, user) {
            return saved.clone();
        }
        if self.get(&current.id).is_none() {
            return current.clone();
        }
        // Another connection than the saved one in use: a profile of its own.
        let mut fresh = Profile::from_preset(Preset::Broker, new_id);
        fresh.subscriptions.clear();
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broker(url: &str) -> ConnectionSettings {
        ConnectionSettings {
            url: url.into(),
            ..ConnectionSettings::default()
        }
    }

    #[test]
    fn a_connection_without_a_name_is_named_after_its_service_user_or_host() {
        let mut adafruit = broker("wss://io.adafruit.com:443/mqtt");
        adafruit.service = ServiceKind::AdafruitIo;
        adafruit.username = "maker".into();
        assert_eq!(default_name(&adafruit), "Adafruit IO · maker");
        assert_eq!(
            default_name(&broker("ws://pi.local:9001/mqtt")),
            "pi.local:9001"
        );
        assert_eq!(default_name(&broker("")), "MQTT broker");
    }

    #[test]
    fn picking_a_service_renames_a_preset_name_but_not_a_chosen_one() {
        assert_eq!(
            name_for_service("MQTT broker", ServiceKind::AdafruitIo),
            Some("Adafruit IO")
        );
        assert_eq!(
            name_for_service("", ServiceKind::ThingSpeak),
            Some("ThingSpeak")
        );
        assert_eq!(
            name_for_service("Adafruit IO", ServiceKind::Generic),
            Some("MQTT broker")
        );
        assert_eq!(
            name_for_service("Greenhouse", ServiceKind::AdafruitIo),
            None
        );
    }

    #[test]
    fn applying_a_connection_keeps_a_chosen_name_and_replaces_a_preset_one() {
        let mut profile = Profile::from_preset(Preset::Broker, "p1");
        profile.apply(
            &broker("ws://pi.local:9001/mqtt"),
            &ProfileDetails::default(),
        );
        assert_eq!(profile.name, "pi.local:9001");
        profile.name = "Greenhouse".into();
        profile.apply(
            &broker("ws://pi.local:9001/mqtt"),
            &ProfileDetails::default(),
        );
        assert_eq!(profile.name, "Greenhouse");
        assert_eq!(profile.settings().url, "ws://pi.local:9001/mqtt");
    }

    #[test]
    fn a_connection_goes_to_its_saved_profile_or_a_new_one() {
        let mut book = ProfileBook::default();
        let mut saved = Profile::from_preset(Preset::Broker, "saved");
        saved.apply(&broker("ws://a/mqtt"), &ProfileDetails::default());
        book.save(saved.clone());
        let unsaved = Profile::from_preset(Preset::Broker, "draft");
        assert_eq!(
            book.profile_for(&unsaved, &broker("ws://a/mqtt"), "n").id,
            "saved"
        );
        assert_eq!(
            book.profile_for(&unsaved, &broker("ws://b/mqtt"), "n").id,
            "draft"
        );
        assert_eq!(
            book.profile_for(&saved, &broker("ws://b/mqtt"), "n").id,
            "n"
        );
        assert_eq!(
            book.profile_for(&saved, &broker("ws://a/mqtt"), "n").id,
            "saved"
        );
    }
}
