//! Line charts as plain Rust: axes and ticks, time windows, colours, and drawing with plotters
//! on any backend. The canvas component in `ui` hands it a `CanvasBackend`; tests hand it a
//! recording one. No browser code here.

pub mod draw;
pub mod theme;
pub mod time_axis;
pub mod value_axis;
pub mod window;
