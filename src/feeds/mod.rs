//! What the dashboard knows about received data: a bounded series per feed, the message log,
//! decimation for drawing, and exports. Plain types the UI wraps in signals; no browser code.

pub mod decimate;
pub mod export;
pub mod ingest;
pub mod message_log;
pub mod payload_text;
pub mod rate;
pub mod ring;
pub mod sample_ring;
pub mod series;
pub mod store;
