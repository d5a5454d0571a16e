//! Dashboards as plain data: cards, their kinds and settings, alert rules, and which feeds get
//! a card by themselves. No browser code.

pub mod board;
pub mod card;
pub mod document;
pub mod rule;
