//! The page's handle on kept data (`crate::keep`): it reads the connection in use's kept series
//! back into the feed store when the page starts or the connection changes, writes what the
//! keeper says on the page clock's tick (at most once a second), and forgets a connection's
//! data on request. Storage refusals become a status line; the page keeps working without.

use super::feeds_handle::FeedsHandle;
use super::page_clock::PageClock;
use super::profiles_handle::ProfilesHandle;
use crate::keep::keeper::Keeper;
use crate::keep::restore;
use crate::link::ConnectionSettings;
use crate::platform::clock::{measured, wall_clock_millis};
use crate::platform::series_db::{keep_persistently_if_installed, SeriesDb};
use crate::storage_key::storage_key;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the page says about kept data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeepStatus {
    /// The database is being opened, or the connection's data read back.
    Reading,
    /// Kept; this many points of this many feeds came back at start.
    Kept {
        /// Points read back.
        points: usize,
        /// Feeds they belong to.
        feeds: usize,
        /// Chunks that could not be read.
        damaged: usize,
    },
    /// The stored data was forgotten (new data is kept from now on).
    Forgotten,
    /// Nothing is kept, and why.
    Off(String),
}

/// The name of the main thread's time spent keeping data in the performance timeline
/// (`benches/history` adds it up).
const KEEP_MEASURE: &str = "feedboard:keep";

/// The storage key of `settings`' kept series (no secret in it).
pub fn series_key(settings: &ConnectionSettings) -> String {
    storage_key("series", &settings.storage_parts())
}

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct KeepHandle {
    keeper: StoredValue<Keeper>,
    db: StoredValue<Option<SeriesDb>, LocalStorage>,
    connection: StoredValue<Option<String>>,
    status: RwSignal<KeepStatus>,
    feeds: FeedsHandle,
}

impl KeepHandle {
    /// Keeps the series of the connection in use.
    pub fn start(feeds: FeedsHandle, profiles: ProfilesHandle, clock: PageClock) -> Self {
        let handle = Self {
            keeper: StoredValue::new(Keeper::new()),
            db: StoredValue::new_local(None),
            connection: StoredValue::new(None),
            status: RwSignal::new(KeepStatus::Reading),
            feeds,
        };
        let current = profiles.current();
        let key = Memo::new(move |_| current.with(|profile| series_key(&profile.settings())));
        let opened = RwSignal::new(false);
        spawn_local(async move {
            match SeriesDb::open().await {
                Ok(db) if handle.db.is_disposed() => db.close(),
                Ok(db) => {
                    handle.db.set_value(Some(db));
                    keep_persistently_if_installed();
                }
                Err(reason) => handle.status.set(KeepStatus::Off(reason)),
            }
            if !opened.is_disposed() {
                opened.set(true);
            }
        });
        Effect::new(move |_| {
            let key = key.get();
            if opened.get() {
                handle.switch(key);
            }
        });
        Effect::new(move |_| {
            let now = clock.now().get();
            handle.write_due(now);
        });
        handle
    }

    /// Where kept data stands.
    pub fn status(&self) -> Signal<KeepStatus> {
        self.status.into()
    }

    /// A connection came into use: its data is read back; what the store already holds from
    /// another connection is not written under this one (at the page's start everything in the
    /// store is this connection's: it may have sent data before the database was open).
    fn switch(&self, key: String) {
        let previous = self.connection.get_value();
        if previous.as_ref() == Some(&key) {
            return;
        }
        self.connection.set_value(Some(key.clone()));
        let store = self.feeds.store();
        self.keeper.update_value(|keeper| {
            *keeper = Keeper::new();
            if previous.is_some() {
                store.with_untracked(|store| keeper.forget(store));
            }
        });
        let Some(db) = self.db.get_value() else {
            return;
        };
        self.status.set(KeepStatus::Reading);
        let handle = *self;
        spawn_local(async move {
            let read = db.read(&key).await;
            if handle.status.is_disposed() || handle.connection.get_value() != Some(key) {
                return;
            }
            match read {
                Ok(chunks) => {
                    let restored = restore(chunks);
                    handle
                        .feeds
                        .merge_history(&restored.feeds, wall_clock_millis());
                    let feeds: Vec<_> = restored.feeds.iter().map(|b| b.feed.clone()).collect();
                    handle.keeper.update_value(|keeper| {
                        store.with_untracked(|store| keeper.restored(store, &feeds));
                    });
                    handle.status.set(KeepStatus::Kept {
                        points: restored.points(),
                        feeds: restored.feeds.len(),
                        damaged: restored.damaged,
                    });
                }
                Err(reason) => handle.status.set(KeepStatus::Off(reason)),
            }
        });
    }

    fn write_due(&self, now_ms: f64) {
        let (Some(db), Some(key)) = (self.db.get_value(), self.connection.get_value()) else {
            return;
        };
        let store = self.feeds.store();
        let batch = measured(KEEP_MEASURE, || {
            self.keeper
                .try_update_value(|keeper| {
                    store.with_untracked(|store| keeper.poll_write(store, now_ms))
                })
                .flatten()
        });
        let Some(batch) = batch else {
            return;
        };
        let handle = *self;
        spawn_local(async move {
            let result = db.write(&key, &batch, KEEP_MEASURE).await;
            if handle.status.is_disposed() {
                return;
            }
            if let Err(reason) = &result {
                handle.status.set(KeepStatus::Off(reason.clone()));
            }
            handle
                .keeper
                .update_value(|keeper| keeper.handle_written(result));
        });
    }

    /// Forgets what is kept for the connection in use (what the page shows stays; new data is
    /// kept from now on).
    pub fn forget_stored(&self) {
        let (Some(db), Some(key)) = (self.db.get_value(), self.connection.get_value()) else {
            return;
        };
        let store = self.feeds.store();
        self.keeper.update_value(|keeper| {
            store.with_untracked(|store| keeper.forget(store));
        });
        let handle = *self;
        spawn_local(async move {
            let result = db.forget(&key).await;
            if handle.status.is_disposed() {
                return;
            }
            handle.status.set(match result {
                Ok(()) => KeepStatus::Forgotten,
                Err(reason) => KeepStatus::Off(reason),
            });
        });
    }

    /// Forgets what is kept for `settings` (a saved connection being forgotten).
    pub fn forget_connection(&self, settings: &ConnectionSettings) {
        let Some(db) = self.db.get_value() else {
            return;
        };
        let key = series_key(settings);
        spawn_local(async move {
            let _ = db.forget(&key).await;
        });
    }
}
