//! Watching feeds while the page is open: feeds that stopped updating ("silent since 12:03,
//! usually every 10 s") and the user's alert rules, fired and cleared with a hold time and
//! hysteresis, kept in an alerts history. Plain Rust, time passed in; the page mirrors its
//! events into signals and notifications (`crate::ui::watch_handle`).

pub mod interval;
pub mod plan;
pub mod watcher;

pub use plan::WatchPlan;
pub use watcher::{Alert, Silence, WatchEvent, Watcher};
