//! Page components, one per file, and the handle they share.

pub mod connection_panel;
pub mod latest_values_panel;
pub mod mqtt_handle;
pub mod status_badge;
pub mod subscriptions_panel;
