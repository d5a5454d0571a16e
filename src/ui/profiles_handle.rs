//! The UI's handle on connection profiles: the saved book, the profile in use (with its
//! dashboards and subscriptions, kept in step with the page), and switching between them.
//! Everything is written to the browser as it changes; a secret only when asked to.

use super::feeds_handle::FeedsHandle;
use super::mqtt_handle::{ConnectionSettings, MqttHandle};
use crate::budget::budgets::BudgetSettings;
use crate::dashboard::board::Dashboard;
use crate::dashboard::document::{export_dashboard, NamedDashboard};
use crate::mqtt::{QoS, SubscriptionStatus};
use crate::platform::profile_store::{self, Loaded};
use crate::profile::{Preset, Profile, ProfileBook};
use crate::service::thingspeak::ThingSpeakTopic;
use crate::service::ServiceKind;
use leptos::prelude::*;

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

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct ProfilesHandle {
    book: RwSignal<ProfileBook>,
    current: RwSignal<Profile>,
    problem: RwSignal<Option<String>>,
    feeds: FeedsHandle,
    mqtt: MqttHandle,
}

fn new_id() -> String {
    format!(
        "p{:08x}",
        (js_sys::Math::random() * f64::from(u32::MAX)) as u32
    )
}

/// A name for a connection that has none: the service and the user, or the broker's host.
fn default_name(settings: &ConnectionSettings) -> String {
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

impl ProfilesHandle {
    /// Reads the saved profiles and puts the one last used in place.
    pub fn start(feeds: FeedsHandle, mqtt: MqttHandle) -> Self {
        let (book, problem) = match profile_store::load() {
            Loaded::Book(book) => (book, None),
            Loaded::Nothing => (ProfileBook::default(), None),
            Loaded::Unreadable => (
                ProfileBook::default(),
                Some("The saved connections could not be read (damaged, or saved by a newer Feedboard). They are left as they are until you save a connection here.".to_owned()),
            ),
        };
        let current = book
            .active()
            .cloned()
            .unwrap_or_else(|| Profile::from_preset(Preset::Broker, &new_id()));
        let handle = Self {
            book: RwSignal::new(book),
            current: RwSignal::new(current),
            problem: RwSignal::new(problem),
            feeds,
            mqtt,
        };
        handle.show_active_dashboard();
        handle.follow_the_page();
        handle
    }

    /// Keeps the profile in step with the page: the dashboard shown and the subscriptions.
    fn follow_the_page(&self) {
        let handle = *self;
        let dashboard = self.feeds.dashboard();
        Effect::new(move |_| {
            dashboard.track();
            handle.keep_live_board();
            handle.store();
        });
        let subscriptions = self.mqtt.subscriptions();
        Effect::new(move |first: Option<()>| {
            let subscriptions = subscriptions.get();
            // The first run only reads: the connection has not made its subscriptions yet.
            if first.is_none() {
                return;
            }
            let automatic = handle.mqtt.behaviour_untracked().automatic_subscriptions();
            let channels: Vec<String> = handle.current.with_untracked(|p| {
                p.channels
                    .iter()
                    .map(|c| ThingSpeakTopic::ChannelSubscribe { channel: *c }.to_string())
                    .collect()
            });
            let kept: Vec<(String, QoS)> = subscriptions
                .into_iter()
                .filter(|s| s.status != SubscriptionStatus::Refused)
                .filter(|s| !automatic.contains(&s.filter) && !channels.contains(&s.filter))
                .map(|s| (s.filter, s.requested))
                .collect();
            handle
                .current
                .update(|profile| profile.subscriptions = kept);
            handle.store();
        });
    }

    /// Writes the profile in use to the book, if it is a saved one, and the book to storage.
    fn store(&self) {
        let current = self.current.get_untracked();
        let saved = self
            .book
            .with_untracked(|book| book.get(&current.id).is_some());
        if !saved {
            return;
        }
        self.book.update(|book| book.save(current));
        if !self.book.with_untracked(profile_store::save) {
            self.problem.set(Some("This browser would not keep the connections and dashboards (storage full or turned off).".to_owned()));
        }
    }

    /// Copies the dashboard on the page into the profile. The effect above does it too, but
    /// only after the current event: switching or exporting in the same event must not lose
    /// (or export without) the last edit.
    fn keep_live_board(&self) {
        let board = self.feeds.dashboard().get_untracked();
        let stale = self.current.with_untracked(|profile| {
            profile
                .dashboards
                .get(profile.active_dashboard)
                .is_some_and(|named| named.board != board)
        });
        if stale {
            self.current.update(|profile| {
                let index = profile.active_dashboard;
                if let Some(named) = profile.dashboards.get_mut(index) {
                    named.board = board;
                }
            });
        }
    }

    fn show_active_dashboard(&self) {
        let board = self.current.with_untracked(|p| {
            p.dashboards
                .get(p.active_dashboard)
                .map(|d| d.board.clone())
                .unwrap_or_default()
        });
        self.feeds.edit_dashboard(|live| *live = board);
    }

    /// The saved profiles.
    pub fn book(&self) -> Signal<ProfileBook> {
        self.book.into()
    }

    /// The profile in use (maybe not saved yet).
    pub fn current(&self) -> Signal<Profile> {
        self.current.into()
    }

    /// A problem with the saved profiles, in words.
    pub fn problem(&self) -> Signal<Option<String>> {
        self.problem.into()
    }

    /// Whether no connection has been saved yet (the first run).
    pub fn is_first_run(&self) -> bool {
        self.book.with(|book| book.profiles.is_empty())
    }

    /// Starts a new profile from `preset` (not saved until it connects).
    pub fn start_preset(&self, preset: Preset) {
        self.current.set(Profile::from_preset(preset, &new_id()));
        self.show_active_dashboard();
    }

    /// Makes the saved profile `id` the one in use; returns it.
    pub fn select(&self, id: &str) -> Option<Profile> {
        self.keep_live_board();
        self.store();
        let profile = self.book.with_untracked(|book| book.get(id).cloned())?;
        // Keep a secret typed earlier in this page for this profile.
        let typed = self
            .current
            .with_untracked(|p| (p.id == id).then(|| p.secret.clone()).flatten());
        let mut profile = profile;
        if profile.secret.is_none() {
            profile.secret = typed;
        }
        self.current.set(profile.clone());
        self.book.update(|book| book.active = Some(id.to_owned()));
        self.show_active_dashboard();
        self.store();
        Some(profile)
    }

    /// Forgets the saved profile `id` (its dashboards too).
    pub fn remove(&self, id: &str) {
        self.book.update(|book| book.remove(id));
        let _ = self.book.with_untracked(profile_store::save);
        if self.current.with_untracked(|p| p.id == id) {
            self.start_preset(Preset::Broker);
        }
    }

    /// Connects with `settings`, saving the connection as a profile (a new one, or the saved one
    /// for the same service, URL and user), then makes the profile's subscriptions.
    pub fn connect(&self, settings: &ConnectionSettings, details: &ProfileDetails) {
        let same =
            |p: &Profile| p.is_connection(settings.service, &settings.url, &settings.username);
        if !self.current.with_untracked(same) {
            let saved_id = self.book.with_untracked(|book| {
                book.find_connection(settings.service, &settings.url, &settings.username)
                    .map(|p| p.id.clone())
            });
            match saved_id {
                Some(id) => {
                    self.select(&id);
                }
                None => {
                    let unsaved = self.book.with_untracked(|book| {
                        book.get(&self.current.get_untracked().id).is_none()
                    });
                    if !unsaved {
                        // Another connection than the saved one in use: a profile of its own.
                        let mut fresh = Profile::from_preset(Preset::Broker, &new_id());
                        fresh.subscriptions.clear();
                        self.current.set(fresh);
                        self.show_active_dashboard();
                    }
                }
            }
        }
        let name = if details.name.trim().is_empty() {
            self.current.with_untracked(|p| {
                let preset_names = ["MQTT broker", "Adafruit IO", "ThingSpeak", "Local demo", ""];
                if preset_names.contains(&p.name.as_str()) {
                    default_name(settings)
                } else {
                    p.name.clone()
                }
            })
        } else {
            details.name.trim().to_owned()
        };
        self.current.update(|profile| {
            profile.name = name;
            profile.service = settings.service;
            profile.url = settings.url.trim().to_owned();
            profile.client_id = settings.client_id.trim().to_owned();
            profile.username = settings.username.trim().to_owned();
            profile.secret = (!settings.password.is_empty()).then(|| settings.password.clone());
            profile.remember_secret = details.remember_secret;
            profile.plan = settings.budget.plan.clone();
            profile.margin = settings.budget.margin;
            profile.clean_session = settings.clean_session;
            profile.channels = details.channels.clone();
        });
        let profile = self.current.get_untracked();
        self.book.update(|book| book.save(profile.clone()));
        self.problem.set(None);
        self.store();
        self.mqtt.connect(settings);
        for (filter, qos) in &profile.subscriptions {
            self.mqtt.subscribe(filter, *qos);
        }
        for channel in &profile.channels {
            let topic = ThingSpeakTopic::ChannelSubscribe { channel: *channel }.to_string();
            self.mqtt.subscribe(&topic, QoS::AtMostOnce);
        }
    }

    /// The connection settings of a profile, for the form.
    pub fn settings_of(profile: &Profile) -> ConnectionSettings {
        ConnectionSettings {
            service: profile.service,
            url: profile.url.clone(),
            client_id: profile.client_id.clone(),
            username: profile.username.clone(),
            password: profile.secret.clone().unwrap_or_default(),
            budget: BudgetSettings {
                plan: profile.plan.clone(),
                margin: profile.margin,
            },
            clean_session: profile.clean_session,
        }
    }

    // ---- dashboards of the profile in use ------------------------------------------------

    /// The names of the profile's dashboards and which one is shown.
    pub fn dashboards(&self) -> Signal<(Vec<String>, usize)> {
        let current = self.current;
        Signal::derive(move || {
            current.with(|p| {
                (
                    p.dashboards.iter().map(|d| d.name.clone()).collect(),
                    p.active_dashboard,
                )
            })
        })
    }

    /// Shows dashboard `index`.
    pub fn switch_dashboard(&self, index: usize) {
        let exists = self.current.with_untracked(|p| index < p.dashboards.len());
        if exists {
            self.keep_live_board();
            self.current.update(|p| p.active_dashboard = index);
            self.show_active_dashboard();
            self.store();
        }
    }

    /// Adds an empty dashboard called `name` and shows it.
    pub fn add_dashboard(&self, name: &str) {
        self.add_named(NamedDashboard {
            name: name.trim().to_owned(),
            board: Dashboard::default(),
        });
    }

    /// Adds `dashboard` (an import) and shows it.
    pub fn add_named(&self, dashboard: NamedDashboard) {
        self.keep_live_board();
        self.current.update(|p| {
            p.dashboards.push(dashboard);
            p.active_dashboard = p.dashboards.len() - 1;
        });
        self.show_active_dashboard();
        self.store();
    }

    /// Renames the dashboard shown.
    pub fn rename_dashboard(&self, name: &str) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        self.current.update(|p| {
            let index = p.active_dashboard;
            if let Some(d) = p.dashboards.get_mut(index) {
                d.name = name.to_owned();
            }
        });
        self.store();
    }

    /// Removes the dashboard shown (a profile keeps at least one).
    pub fn remove_dashboard(&self) {
        let removed = self.current.try_update(|p| {
            if p.dashboards.len() < 2 {
                return false;
            }
            p.dashboards.remove(p.active_dashboard);
            p.active_dashboard = p.active_dashboard.min(p.dashboards.len() - 1);
            true
        });
        if removed == Some(true) {
            self.show_active_dashboard();
            self.store();
        }
    }

    /// The dashboard shown as an export file: (name, text). No credentials are in it.
    pub fn export_dashboard(&self) -> Option<(String, String)> {
        self.keep_live_board();
        self.current.with_untracked(|p| {
            let shown = p.dashboards.get(p.active_dashboard)?;
            Some((shown.name.clone(), export_dashboard(shown)))
        })
    }
}
