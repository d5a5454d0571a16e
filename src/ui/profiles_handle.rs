//! The UI's handle on connection profiles: the saved book, the profile in use (with its
//! dashboards and subscriptions, kept in step with the page), and switching between them.
//! Everything is written to the browser as it changes; a secret only when asked to.

use super::feeds_handle::FeedsHandle;
use super::link_handle::LinkHandle;
use crate::budget::budgets::BudgetSettings;
use crate::dashboard::board::Dashboard;
use crate::dashboard::document::{export_dashboard, NamedDashboard};
use crate::link::ConnectionSettings;
use crate::mqtt::topic::filter_matches;
use crate::mqtt::QoS;
use crate::platform::profile_store::{self, Loaded};
use crate::platform::random::random_id;
use crate::profile::{Preset, Profile, ProfileBook};
use crate::service::thingspeak::ThingSpeakTopic;
use crate::service::ServiceKind;
use leptos::prelude::*;
use std::rc::Rc;

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
    /// The dashboard shown: part of the profile in use, never a copy of it.
    board: Memo<Dashboard>,
    problem: RwSignal<Option<String>>,
    link: LinkHandle,
}

fn new_id() -> String {
    random_id("p")
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
    pub fn start(feeds: FeedsHandle, link: LinkHandle) -> Self {
        let (book, problem) = match profile_store::load() {
            Loaded::Book(book) => (book, None),
            Loaded::Nothing => (ProfileBook::default(), None),
            Loaded::Unreadable => (
                ProfileBook::default(),
                Some("The saved connections could not be read (damaged, or saved by a newer Feedboard). They are left as they are until you save a connection here.".to_owned()),
            ),
        };
        let current = RwSignal::new(
            book.active()
                .cloned()
                .unwrap_or_else(|| Profile::from_preset(Preset::Broker, &new_id())),
        );
        let board = Memo::new(move |_| {
            current.with(|p| {
                p.dashboards
                    .get(p.active_dashboard)
                    .map(|d| d.board.clone())
                    .unwrap_or_default()
            })
        });
        let handle = Self {
            book: RwSignal::new(book),
            current,
            board,
            problem: RwSignal::new(problem),
            link,
        };
        link.on_refused(Rc::new(move |filter: &str| {
            handle
                .current
                .update(|p| p.subscriptions.retain(|(f, _)| f != filter));
            handle.store();
        }));
        handle.place_new_feeds(feeds);
        handle
    }

    /// New feeds get a card of their own (up to the board's limit) as data arrives.
    fn place_new_feeds(&self, feeds: FeedsHandle) {
        let handle = *self;
        let store = feeds.store();
        Effect::new(move |_| {
            store.with(|store| {
                if handle
                    .board
                    .with_untracked(|board| board.has_unplaced(store))
                {
                    handle.edit_dashboard(|board| board.place_new_feeds(store));
                }
            });
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

    /// The dashboard shown.
    pub fn dashboard(&self) -> Signal<Dashboard> {
        self.board.into()
    }

    /// Changes the dashboard shown, and saves it.
    pub fn edit_dashboard<R>(&self, change: impl FnOnce(&mut Dashboard) -> R) -> Option<R> {
        let result = self
            .current
            .try_update(|p| {
                let index = p.active_dashboard;
                p.dashboards.get_mut(index).map(|d| change(&mut d.board))
            })
            .flatten();
        self.store();
        result
    }

    // ---- subscriptions of the profile in use ----------------------------------------------

    /// Subscribes to `filter` and keeps it with the profile (made again on every connect).
    pub fn subscribe(&self, filter: &str, qos: QoS) -> bool {
        let filter = filter.trim();
        if !self.link.subscribe(filter, qos) {
            return false;
        }
        if !self.is_made_by_the_connection(filter) {
            self.current.update(|p| {
                p.subscriptions.retain(|(f, _)| f != filter);
                p.subscriptions.push((filter.to_owned(), qos));
            });
            self.store();
        }
        true
    }

    /// Unsubscribes from `filter` and forgets it.
    pub fn unsubscribe(&self, filter: &str) {
        self.link.unsubscribe(filter);
        self.current
            .update(|p| p.subscriptions.retain(|(f, _)| f != filter));
        self.store();
    }

    /// Subscribes to `topic` unless a subscription already covers it (a control following its
    /// feed).
    pub fn follow(&self, topic: &str) {
        let covered = self
            .link
            .subscriptions()
            .with_untracked(|subs| subs.iter().any(|s| filter_matches(&s.filter, topic)));
        if !covered {
            self.subscribe(topic, QoS::AtMostOnce);
        }
    }

    /// Whether the connection makes `filter` by itself (service notices, ThingSpeak channels):
    /// such filters are not the user's to keep.
    fn is_made_by_the_connection(&self, filter: &str) -> bool {
        let automatic = self.link.behaviour_untracked().automatic_subscriptions();
        let channel = self.current.with_untracked(|p| {
            p.channels
                .iter()
                .any(|c| ThingSpeakTopic::ChannelSubscribe { channel: *c }.to_string() == filter)
        });
        channel || automatic.iter().any(|f| f == filter)
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
    }

    /// Makes the saved profile `id` the one in use; returns it.
    pub fn select(&self, id: &str) -> Option<Profile> {
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
        self.link.connect(settings);
        for (filter, qos) in &profile.subscriptions {
            self.link.subscribe(filter, *qos);
        }
        for channel in &profile.channels {
            let topic = ThingSpeakTopic::ChannelSubscribe { channel: *channel }.to_string();
            self.link.subscribe(&topic, QoS::AtMostOnce);
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
            self.current.update(|p| p.active_dashboard = index);
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
        self.current.update(|p| {
            p.dashboards.push(dashboard);
            p.active_dashboard = p.dashboards.len() - 1;
        });
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
            self.store();
        }
    }

    /// The dashboard shown as an export file: (name, text). No credentials are in it.
    pub fn export_dashboard(&self) -> Option<(String, String)> {
        self.current.with_untracked(|p| {
            let shown = p.dashboards.get(p.active_dashboard)?;
            Some((shown.name.clone(), export_dashboard(shown)))
        })
    }
}
