//! Unacknowledged publishes in `localStorage`, so a reload does not lose what the user sent.
//! Keyed by service, broker URL and user (no secret in the key or the record).

use crate::mqtt::outbox_record::{decode, encode, SavedPublish};
use crate::storage_key::storage_key;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The storage key for a connection.
pub fn key_for(service: &str, url: &str, username: &str) -> String {
    storage_key("outbox", &[service, url, username])
}

/// Takes out what was kept under `key` (it is kept again as the connection makes progress).
pub fn take(key: &str) -> Vec<SavedPublish> {
    let Some(storage) = storage() else {
        return Vec::new();
    };
    let saved = storage
        .get_item(key)
        .ok()
        .flatten()
        .and_then(|text| decode(&text))
        .unwrap_or_default();
    let _ = storage.remove_item(key);
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
