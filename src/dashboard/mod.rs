//! Dashboards as plain data: cards, their kinds and settings, and which feeds get a card by
//! themselves. No browser code.

pub mod board;
pub mod card;
pub mod document;
