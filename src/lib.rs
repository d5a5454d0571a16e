//! Feedboard: a live dashboard for MQTT feeds that runs entirely in the browser.
//!
//! The logic layers (`mqtt`, `link`, `service`, `budget`, `feeds`, `chart`, `dashboard`,
//! `profile`, `tasks`, `time`, `watch`) are plain Rust and tested natively; only `transport`, `platform`, `ui` and
//! `app` touch the browser.

pub mod app;
pub mod budget;
pub mod chart;
pub mod dashboard;
pub mod decimal;
pub mod feeds;
pub mod fuzz;
pub mod history;
pub mod json_text;
pub mod keep;
pub mod link;
pub mod mqtt;
pub mod platform;
pub mod profile;
pub mod service;
pub mod storage_key;
pub mod tasks;
pub mod time;
pub mod transport;
pub mod ui;
pub mod watch;
