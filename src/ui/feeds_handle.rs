//! The UI's handle on received data: the feed store and the message log, as signals (the
//! dashboard belongs to the profile in use: `ProfilesHandle`). Messages arrive in batches, once per animation frame, so a burst of a thousand
//! messages costs one update of each signal.

use crate::feeds::ingest::ingest;
use crate::feeds::message_log::MessageLog;
use crate::feeds::store::{FeedStore, StoreLimits};
use crate::history::HistoryBatch;
use crate::mqtt::Message;
use crate::service::ServiceKind;
use leptos::prelude::*;

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct FeedsHandle {
    store: RwSignal<FeedStore>,
    log: RwSignal<MessageLog>,
}

impl FeedsHandle {
    /// An empty store and log.
    pub fn new(limits: StoreLimits) -> Self {
        Self {
            store: RwSignal::new(FeedStore::new(limits)),
            log: RwSignal::new(MessageLog::default()),
        }
    }

    /// Takes in a batch of messages from `service`, each with the wall-clock time it arrived
    /// (ms since the Unix epoch); `filters` are the active subscriptions.
    pub fn ingest(&self, messages: &[(Message, f64)], service: ServiceKind, filters: &[String]) {
        if messages.is_empty() {
            return;
        }
        let filters = filters.iter().map(String::as_str);
        self.store.update(|store| {
            self.log.update(|log| {
                for (message, at_ms) in messages {
                    ingest(store, log, service, filters.clone(), message, *at_ms);
                }
            });
        });
    }

    /// Merges points of feeds' past (read from the service, or kept data read back) into their
    /// series, in one update of the store.
    pub fn merge_history(&self, batches: &[HistoryBatch], now_ms: f64) {
        self.store.update(|store| {
            for batch in batches {
                store.merge_history(&batch.feed, &batch.points, batch.kind, now_ms);
            }
        });
    }

    /// Every feed's series.
    pub fn store(&self) -> Signal<FeedStore> {
        self.store.into()
    }

    /// The message log.
    pub fn log(&self) -> Signal<MessageLog> {
        self.log.into()
    }

    /// Empties the message log.
    pub fn clear_log(&self) {
        self.log.update(MessageLog::clear);
    }
}
