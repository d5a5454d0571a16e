//! Feedboard's own code, exported to JavaScript for the side-by-side benchmarks (benches/):
//! the packet decoding path the page runs on every WebSocket message (framing, checks, mqttrs)
//! and the chart drawing path (decimation, plotters on the canvas). Nothing here is a
//! re-implementation: each export calls the app's modules and only adds the bookkeeping a
//! benchmark needs (a checksum of what was decoded, a series kept between draws).

pub mod checksum;
pub mod decode;
#[cfg(target_arch = "wasm32")]
pub mod draw;
