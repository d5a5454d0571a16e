//! The page: components (a folder where one has parts: `chart/`, `connection/`, `cards/`),
//! small hooks over browser APIs (`hooks`), the one keyed list and one conditional block every
//! component uses (`keyed_list`, `when`), and the handles the components share —
//! `link_handle` (the connection core's commands and events as signals), `feeds_handle`
//! (received data), `profiles_handle` (saved connections, their dashboards and
//! subscriptions), `watch_handle` (silent feeds and alerts), `page_clock`. Components decide nothing the core or the model can decide.

pub mod alerts_panel;
pub mod cards;
pub mod chart;
pub mod connection;
pub mod dashboard_tabs;
pub mod dashboard_view;
pub mod feeds_handle;
pub mod feeds_panel;
pub mod first_run;
pub mod frame_loop;
pub mod history_reads;
pub mod hooks;
pub mod keep_handle;
pub mod keyed_list;
pub mod link_handle;
pub mod message_log_panel;
pub mod monitor_panel;
pub mod page_clock;
pub mod profiles_handle;
pub mod status_badge;
pub mod subscriptions_panel;
pub mod watch_handle;
pub mod when;
