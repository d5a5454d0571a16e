//! The UI's handle on received data: the feed store, the message log, the dashboard, and the
//! service notices, as signals. Messages arrive in batches, once per animation frame, so a
//! burst of a thousand messages costs one update of each signal.

use crate::dashboard::board::Dashboard;
use crate::feeds::ingest::{ingest, ServiceNotice};
use crate::feeds::message_log::MessageLog;
use crate::feeds::store::{FeedStore, StoreLimits};
use crate::mqtt::Message;
use crate::service::ServiceKind;
use leptos::prelude::*;

/// Service notices kept for the page.
const NOTICES_KEPT: usize = 200;

/// A service notice with the time it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedNotice {
    /// When it arrived, ms since the Unix epoch.
    pub at_ms: f64,
    /// The notice.
    pub notice: ServiceNotice,
}

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct FeedsHandle {
    store: RwSignal<FeedStore>,
    log: RwSignal<MessageLog>,
    dashboard: RwSignal<Dashboard>,
    notices: RwSignal<Vec<TimedNotice>>,
}

impl FeedsHandle {
    /// An empty store, log and dashboard.
    pub fn new(limits: StoreLimits) -> Self {
        Self {
            store: RwSignal::new(FeedStore::new(limits)),
            log: RwSignal::new(MessageLog::default()),
            dashboard: RwSignal::new(Dashboard::default()),
            notices: RwSignal::new(Vec::new()),
        }
    }

    /// Takes in a batch of messages received at `at_ms` from `service`, whose active
    /// subscriptions are `filters`.
    pub fn ingest(
        &self,
        messages: &[Message],
        service: ServiceKind,
        filters: &[String],
        at_ms: f64,
    ) {
        if messages.is_empty() {
            return;
        }
        let filters = filters.iter().map(String::as_str);
        let mut notices = Vec::new();
        self.store.update(|store| {
            self.log.update(|log| {
                for message in messages {
                    if let Some(notice) =
                        ingest(store, log, service, filters.clone(), message, at_ms)
                    {
                        notices.push(TimedNotice { at_ms, notice });
                    }
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
        if !notices.is_empty() {
            self.notices.update(|kept| {
                kept.extend(notices);
                let excess = kept.len().saturating_sub(NOTICES_KEPT);
                kept.drain(..excess);
            });
        }
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

    /// Throttle and error notices from the service, oldest first.
    pub fn notices(&self) -> Signal<Vec<TimedNotice>> {
        self.notices.into()
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
