//! Page components, one per file, and the handles they share.

pub mod cards;
pub mod chart_canvas;
pub mod connection_panel;
pub mod dashboard_tabs;
pub mod dashboard_view;
pub mod feeds_handle;
pub mod feeds_panel;
pub mod first_run;
pub mod link_handle;
pub mod message_log_panel;
pub mod monitor_panel;
pub mod page_clock;
pub mod profiles_handle;
pub mod status_badge;
pub mod subscriptions_panel;
