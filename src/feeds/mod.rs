//! What the dashboard knows about received data, as plain types the UI wraps in signals.

pub mod latest;
pub mod payload_text;
