//! Thin wrappers over browser services the logic layers need as plain values.

pub mod canvas_backend;
pub mod clock;
pub mod css;
pub mod download;
pub mod frame;
pub mod http;
pub mod link_storage;
pub mod local_zone;
pub mod location;
pub mod notify;
pub mod observe;
pub mod offline;
pub mod page_tasks;
pub mod profile_store;
pub mod random;
pub mod saved_outbox;
pub mod series_db;
pub mod shared_budget;
pub mod startup;

/// The page's `localStorage`; `None` where the browser refuses it (some private modes).
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
