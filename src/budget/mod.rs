//! Client-side rate budgets: one mechanism, token buckets fed by the service's limits and by
//! what the service says, that every outgoing action passes through, so a dashboard cannot get
//! its account throttled or banned. No browser code.

pub mod action;
pub mod budgets;
pub mod ledger;
pub mod notice;
pub mod rate_budget;
