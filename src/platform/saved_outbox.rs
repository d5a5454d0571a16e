//! Unacknowledged publishes in `localStorage`, so a reload does not lose what the user sent.
//! Keyed by service, broker URL and user (no secret in the key or the record).

use crate::link::saved_publish::{decode, encode, SavedPublish};
use crate::link::ConnectionSettings;
use crate::storage_key::{legacy_service_name, storage_key};

use super::local_storage as storage;

/// The storage key for a connection.
pub fn key_for(settings: &ConnectionSettings) -> String {
    storage_key("outbox", &settings.storage_parts())
}

/// The key Feedboard used before service ids were stable (the `Debug` name of the service).
fn legacy_key_for(settings: &ConnectionSettings) -> String {
    let [_, url, user] = settings.storage_parts();
    storage_key(
        "outbox",
        &[legacy_service_name(settings.service), url, user],
    )
}

/// Takes out what was kept for `settings` (it is kept again as the connection makes
/// progress), including what an earlier version of Feedboard kept under its old key.
pub fn take(settings: &ConnectionSettings) -> Vec<SavedPublish> {
    let Some(storage) = storage() else {
        return Vec::new();
    };
    let mut saved = Vec::new();
    for key in [legacy_key_for(settings), key_for(settings)] {
        saved.extend(
            storage
                .get_item(&key)
                .ok()
                .flatten()
                .and_then(|text| decode(&text))
                .unwrap_or_default(),
        );
        let _ = storage.remove_item(&key);
    }
    saved
}

/// Keeps `publishes` under `key` (removes the record when there are none). Returns false when
/// the browser would not store them (no storage, or full).
pub fn keep(key: &str, publishes: &[SavedPublish]) -> bool {
    let Some(storage) = storage() else {
        return false;
    };
    if publishes.is_empty() {
        return storage.remove_item(key).is_ok();
    }
    storage.set_item(key, &encode(publishes)).is_ok()
}
