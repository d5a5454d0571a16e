//! Where the connection stands, as the page shows it.

use crate::time::Instant;

/// The connection's state, in the terms the page uses.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkStatus {
    /// Never connected, or disconnected by the user.
    Idle,
    /// Opening the socket or waiting for CONNACK.
    Connecting,
    /// Connected.
    Connected,
    /// The connection failed and will not be tried again by itself; the text says why.
    Failed(String),
    /// The connection was lost (or a budget holds the attempt back) and the next attempt is
    /// due at `retry_at`.
    Reconnecting {
        /// Why the last connection ended, or why the attempt waits.
        reason: String,
        /// When the next attempt starts.
        retry_at: Instant,
    },
}

impl LinkStatus {
    /// Whether a connection is up or on its way (the form is locked, Disconnect is offered).
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            Self::Connected | Self::Connecting | Self::Reconnecting { .. }
        )
    }

    /// A one-word label.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Idle => "Disconnected",
            Self::Connecting => "Connecting…",
            Self::Connected => "Connected",
            Self::Failed(_) => "Connection failed",
            Self::Reconnecting { .. } => "Reconnecting…",
        }
    }

    /// Why the connection is not up, if it says.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Failed(reason) | Self::Reconnecting { reason, .. } => Some(reason),
            _ => None,
        }
    }
}
