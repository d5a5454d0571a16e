//! Thin wrappers over browser services the logic layers need as plain values.

pub mod clock;
pub mod frame;
