//! The UI's handle on received data: the feed store, the message log and the dashboard, as
//! signals. Messages arrive in batches, once per animation frame, so a burst of a thousand
//! messages costs one update of each signal.

use crate::dashboard::board::Dashboard;
use crate::feeds::ingest::{ingest, ServiceNotice};
use crate::feeds::message_log::MessageLog;
use crate::feeds::store::{FeedStore, StoreLimits};
use crate::mqtt::Message;
use crate::service::ServiceKind;
use leptos::prelude::*;

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct FeedsHandle {
    store: RwSignal<FeedStore>,
    log: RwSignal<MessageLog>,
    dashboard: RwSignal<Dashboard>,
}

impl FeedsHandle {
    /// An empty store, log and dashboard.
    pub fn new(limits: StoreLimits) -> Self {
        Self {
            store: RwSignal::new(FeedStore::new(limits)),
            log: RwSignal::new(MessageLog::default()),
            dashboard: RwSignal::new(Dashboard::default()),
        }
    }

    /// Takes in a batch of messages received at `at_ms` from `service`, whose active
    /// subscriptions are `filters`. Returns the service notices among them.
    pub fn ingest(
        &self,
        messages: &[Message],
        service: ServiceKind,
        filters: &[String],
        at_ms: f64,
    ) -> Vec<ServiceNotice> {
        if messages.is_empty() {
            return Vec::new();
        }
        let filters = filters.iter().map(String::as_str);
        let mut notices = Vec::new();
        self.store.update(|store| {
            self.log.update(|log| {
                for message in messages {
                    notices.extend(ingest(store, log, service, filters.clone(), message, at_ms));
                }
            });
        });
        self.store.with_untracked(|store| {
            // Only touch the dashboard signal when a card may be added, so cards do not
            // re-render for every batch.
            if self
                .dashboard
                .with_untracked(|board| board.has_unplaced(store))
            {
                self.dashboard.update(|board| {
                    board.place_new_feeds(store);
                });
            }
        });
        notices
    }

    /// Every feed's series.
    pub fn store(&self) -> Signal<FeedStore> {
        self.store.into()
    }

    /// The message log.
    pub fn log(&self) -> Signal<MessageLog> {
        self.log.into()
    }

    /// The dashboard's cards.
    pub fn dashboard(&self) -> Signal<Dashboard> {
        self.dashboard.into()
    }

    /// Changes the dashboard.
    pub fn edit_dashboard<R>(&self, change: impl FnOnce(&mut Dashboard) -> R) -> Option<R> {
        self.dashboard.try_update(change)
    }

    /// Empties the message log.
    pub fn clear_log(&self) {
        self.log.update(MessageLog::clear);
    }
}
