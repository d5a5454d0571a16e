//! Feed history read from the services' HTTP APIs (Adafruit IO, ThingSpeak), free of I/O:
//! which reads a dashboard needs ([`target`]), the requests that make them ([`request`]), what
//! the answers mean ([`parse`]), and the reads' own state machine ([`reads`]), which the
//! connection core ([`crate::link::Link`]) drives through its budgets. The browser only
//! performs the fetches it is told to (`transport::client`).

pub mod parse;
pub mod reads;
pub mod request;
pub mod target;

pub use crate::feeds::store::HistoryBatch;
pub use reads::{FetchId, HistoryReads, HistoryState};
pub use request::{HttpRequest, HttpResponse};
pub use target::ReadTarget;
