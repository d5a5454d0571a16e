//! The connection core: everything Feedboard does at the connection level, as plain Rust with
//! time passed in, tested natively (`tests/link_*.rs`). The browser driver
//! (`transport::client`) feeds it socket events and timer ticks and does what it says; the UI
//! mirrors its events into signals and sends it the user's commands. Nothing here may depend
//! on the browser.
//!
//! - [`connection`]: [`Link`], one connection — the MQTT session, the rate budgets, the table
//!   of outgoing publishes, service behaviour (automatic notice subscriptions, `/get` after a
//!   subscription), service notices turned into pauses, bans and refusals, the connection
//!   gate, held resends, the saved outbox and the monitor's history.
//! - [`outgoing`]: the one table of outgoing publishes, keyed by [`slot::SlotId`].
//! - [`monitor`]: the Limits pane's history.
//! - [`settings`], [`status`], [`shared`] (what the tabs of one account tell each other),
//!   [`saved_publish`] (the saved outbox's records).

pub mod connection;
pub mod monitor;
pub mod outgoing;
pub mod saved_publish;
pub mod settings;
pub mod shared;
pub mod slot;
pub mod status;

pub use connection::{Carried, Link, LinkEvent, Transmit};
pub use outgoing::SlotState;
pub use settings::ConnectionSettings;
pub use shared::Shared;
pub use slot::{ControlPart, SlotId};
pub use status::LinkStatus;
