//! Feedboard: a live dashboard for MQTT feeds that runs entirely in the browser.
//!
//! The logic layers (`mqtt`, `time`) are plain Rust and tested natively; only `transport`,
//! `platform` and the UI modules touch the browser.

pub mod mqtt;
pub mod time;
