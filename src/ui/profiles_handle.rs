//! The UI's handle on connection profiles: the saved book and the profile in use, which owns
//! the dashboards and the subscriptions (the dashboard shown is derived from it, never copied).
//! Every change is written to the browser as it happens; a secret only when asked to. The
//! rules live in `crate::profile`.

use super::feeds_handle::FeedsHandle;
use super::link_handle::LinkHandle;
use crate::dashboard::board::Dashboard;
use crate::dashboard::document::NamedDashboard;
use crate::link::ConnectionSettings;
use crate::mqtt::topic::filter_matches;
use crate::mqtt::QoS;
use crate::platform::profile_store::{self, Loaded};
use crate::platform::random::random_id;
use crate::profile::{Preset, Profile, ProfileBook, ProfileDetails};
use leptos::prelude::*;
use std::rc::Rc;

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct ProfilesHandle {
    book: RwSignal<ProfileBook>,
    current: RwSignal<Profile>,
    board: Memo<Dashboard>,
    problem: RwSignal<Option<String>>,
    link: LinkHandle,
}

fn new_id() -> String {
    random_id("p")
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
        let handle = Self {
            book: RwSignal::new(book),
            current,
            board: Memo::new(move |_| current.with(Profile::shown_board)),
            problem: RwSignal::new(problem),
            link,
        };
        link.on_refused(Rc::new(move |filter: &str| {
            handle.change(|p| p.subscriptions.retain(|(f, _)| f != filter));
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

    /// Changes the profile in use and saves it.
    fn change<R>(&self, change: impl FnOnce(&mut Profile) -> R) -> Option<R> {
        let result = self.current.try_update(change);
        self.store();
        result
    }

    /// Writes the profile in use to the book, if it is a saved one, and the book to storage.
    fn store(&self) {
        let current = self.current.get_untracked();
        if self
            .book
            .with_untracked(|book| book.get(&current.id).is_none())
        {
            return;
        }
        self.book.update(|book| book.save(current));
        if !self.book.with_untracked(profile_store::save) {
            self.problem.set(Some("This browser would not keep the connections and dashboards (storage full or turned off).".to_owned()));
        }
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

    /// Starts a new profile from `preset` (not saved until it connects).
    pub fn start_preset(&self, preset: Preset) {
        self.current.set(Profile::from_preset(preset, &new_id()));
    }

    /// Makes the saved profile `id` the one in use (keeping a secret typed for it in this
    /// page); returns it.
    pub fn select(&self, id: &str) -> Option<Profile> {
        let mut profile = self.book.with_untracked(|book| book.get(id).cloned())?;
        let typed = self
            .current
            .with_untracked(|p| (p.id == id).then(|| p.secret.clone()).flatten());
        profile.secret = profile.secret.or(typed);
        self.current.set(profile.clone());
        self.book.update(|book| book.active = Some(id.to_owned()));
        self.store();
        Some(profile)
    }

    /// Forgets the saved profile `id` (its dashboards too).
    pub fn remove(&self, id: &str) -> Option<ConnectionSettings> {
        let removed = self
            .book
            .with_untracked(|book| book.get(id).map(|profile| profile.settings()));
        self.book.update(|book| book.remove(id));
        let _ = self.book.with_untracked(profile_store::save);
        if self.current.with_untracked(|p| p.id == id) {
            self.start_preset(Preset::Broker);
        }
        removed
    }

    /// Connects with `settings`, saving the connection in its profile (see
    /// [`ProfileBook::profile_for`]), then makes the profile's subscriptions.
    pub fn connect(&self, settings: &ConnectionSettings, details: &ProfileDetails) {
        if !self.link.connect(settings) {
            // Not a connection yet: nothing to save; the status says what is wrong.
            return;
        }
        let chosen = self.book.with_untracked(|book| {
            self.current
                .with_untracked(|current| book.profile_for(current, settings, &new_id()))
        });
        let switching = chosen.id != self.current.with_untracked(|p| p.id.clone());
        // A saved profile comes in through `select`; a new one is simply put in use.
        if switching && self.select(&chosen.id).is_none() {
            self.current.set(chosen);
        }
        self.current
            .update(|profile| profile.apply(settings, details));
        let profile = self.current.get_untracked();
        self.book.update(|book| book.save(profile.clone()));
        self.problem.set(None);
        self.store();
        for (filter, qos) in &profile.subscriptions {
            self.link.subscribe(filter, *qos);
        }
        for filter in profile.channel_filters() {
            self.link.subscribe(&filter, QoS::AtMostOnce);
        }
    }

    // ---- subscriptions of the profile in use ---------------------------------------------

    /// Subscribes to `filter` and keeps it with the profile (made again on every connect).
    pub fn subscribe(&self, filter: &str, qos: QoS) -> bool {
        let filter = filter.trim();
        if !self.link.subscribe(filter, qos) {
            return false;
        }
        let automatic = self.link.behaviour_untracked().automatic_subscriptions();
        let by_the_connection = automatic.iter().any(|f| f == filter)
            || self
                .current
                .with_untracked(|p| p.channel_filters().iter().any(|f| f == filter));
        if !by_the_connection {
            self.change(|p| {
                p.subscriptions.retain(|(f, _)| f != filter);
                p.subscriptions.push((filter.to_owned(), qos));
            });
        }
        true
    }

    /// Unsubscribes from `filter` and forgets it.
    pub fn unsubscribe(&self, filter: &str) {
        self.link.unsubscribe(filter);
        self.change(|p| p.subscriptions.retain(|(f, _)| f != filter));
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

    // ---- dashboards of the profile in use ------------------------------------------------

    /// The dashboard shown.
    pub fn dashboard(&self) -> Signal<Dashboard> {
        self.board.into()
    }

    /// Changes the dashboard shown, and saves it.
    pub fn edit_dashboard<R>(&self, change: impl FnOnce(&mut Dashboard) -> R) -> Option<R> {
        self.change(|p| p.edit_shown(change)).flatten()
    }

    /// The names of the profile's dashboards and which one is shown.
    pub fn dashboards(&self) -> Signal<(Vec<String>, usize)> {
        let current = self.current;
        Signal::derive(move || current.with(Profile::dashboard_names))
    }

    /// Shows dashboard `index`.
    pub fn switch_dashboard(&self, index: usize) {
        self.change(|p| p.show_dashboard(index));
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
        self.change(|p| p.add_dashboard(dashboard));
    }

    /// Renames the dashboard shown.
    pub fn rename_dashboard(&self, name: &str) {
        self.change(|p| p.rename_shown(name));
    }

    /// Removes the dashboard shown (a profile keeps at least one).
    pub fn remove_dashboard(&self) {
        self.change(Profile::remove_shown);
    }

    /// The dashboard shown as an export file: (name, text). No credentials are in it.
    pub fn export_dashboard(&self) -> Option<(String, String)> {
        self.current.with_untracked(Profile::export_shown)
    }
}
