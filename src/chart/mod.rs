//! Line charts as plain Rust: axes and ticks, time windows, colours, and drawing with plotters
//! on any backend. The page hands it `platform::canvas_backend::ChartCanvasBackend` (plotters'
//! canvas backend measuring text with the canvas itself, through `ui::chart::paint`); tests hand
//! it a recording one. No browser code here.

pub mod draw;
pub mod theme;
pub mod time_axis;
pub mod value_axis;
pub mod window;
