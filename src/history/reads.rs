//! The history reads of one connection, as a state machine: what the dashboard wants, read one
//! request at a time through the connection's budgets, pages followed, answers turned into
//! points for the feed store and into a state per read that the cards show. A refusal ends a
//! read with a note; only a `429` is tried again, after the wait the service asks for, and at
//! most [`MAX_ATTEMPTS`] times: never a retry loop.

use super::parse::{self, FieldHistory, ParseError};
use super::request::{Access, HttpRequest, HttpResponse};
use super::target::{ReadTarget, MIN_SPAN_MS};
use crate::budget::action::Request;
use crate::budget::budgets::{Decision, Hold};
use crate::feeds::series::HistoryKind;
use crate::feeds::store::HistoryBatch;
use crate::service::descriptor::HistoryDialect;
use crate::service::feed_ref::FeedRef;
use crate::time::Instant;
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

/// Identifies one fetch, so a late answer to a fetch given up on is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FetchId(pub u64);

/// How long the service's `429` pauses reads when it names no time (its documentation says to
/// wait 30 s).
pub const DEFAULT_TOO_MANY_WAIT: Duration = Duration::from_secs(30);

/// A read answered `429` this many times is given up.
pub const MAX_ATTEMPTS: u32 = 3;

/// A fetch with no answer after this long is given up.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Pages of Adafruit IO raw data read for one window at most (1 000 points each).
pub const MAX_PAGES: u32 = 5;

/// Adafruit IO windows up to this long are read point by point; wider ones as the service's
/// chart data (one read of a few hundred summarised points, so ten day-wide charts fit the
/// read budget). A wide chart narrowed later reads its hour point by point then.
const RAW_SPAN_MS: f64 = MIN_SPAN_MS;

/// Where a read stands, for the cards.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryState {
    /// Being read (or waiting for its turn).
    Loading,
    /// Waiting for the service's pause to end.
    Paused {
        /// Until when.
        until: Instant,
    },
    /// Read; this many points came.
    Loaded {
        /// Points read.
        points: usize,
    },
    /// Could not be read, in words.
    Unavailable(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Read {
    target: ReadTarget,
    kind: HistoryKind,
    /// Wall-clock start of the window, ms since the Unix epoch.
    start_ms: f64,
    request: HttpRequest,
    page: u32,
    attempts: u32,
}

/// What [`HistoryReads::pump`] did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pumped {
    /// A fetch to make now.
    pub fetch: Option<(FetchId, HttpRequest)>,
    /// The next read waits (first report of this wait only), for the monitor.
    pub held: Option<(String, Instant, Hold)>,
}

/// The reads of one connection. See the module documentation.
#[derive(Debug, Default)]
pub struct HistoryReads {
    access: Option<Access>,
    /// The widest span wanted of each target so far (read, queued or given up on), point by
    /// point and summarised.
    covered: BTreeMap<(ReadTarget, HistoryKind), f64>,
    states: BTreeMap<ReadTarget, HistoryState>,
    queue: VecDeque<Read>,
    in_flight: Option<(FetchId, Read, Instant)>,
    next_id: u64,
    /// Why every read stopped (the service refused the key).
    stopped: Option<String>,
    /// When the next read may go, and why it waits, as last reported.
    waiting: Option<(Instant, Hold)>,
    batches: VecDeque<HistoryBatch>,
}

impl HistoryReads {
    /// Reads with `access`; `None` for a broker without history (every want is ignored).
    pub fn new(access: Option<Access>) -> Self {
        Self {
            access,
            ..Self::default()
        }
    }

    /// Where the read of `target` stands, if it was wanted.
    pub fn state(&self, target: &ReadTarget) -> Option<&HistoryState> {
        self.states.get(target)
    }

    /// The dashboard wants `span_ms` of `target`'s past, up to `wall_now_ms`. Each span is
    /// read once: a narrower or equal want later costs nothing. Returns whether anything
    /// changed (a read was queued, or refused at once).
    pub fn want(&mut self, target: ReadTarget, span_ms: f64, wall_now_ms: f64) -> bool {
        let Some(access) = &self.access else {
            return false;
        };
        let kind = if access.dialect == HistoryDialect::AdafruitIo && span_ms > RAW_SPAN_MS {
            HistoryKind::Aggregated
        } else {
            HistoryKind::Raw
        };
        let key = (target.clone(), kind);
        if !span_ms.is_finite() || span_ms <= self.covered.get(&key).copied().unwrap_or(0.0) {
            return false;
        }
        let start_ms = wall_now_ms - span_ms;
        let request = match (&target, access.dialect) {
            (ReadTarget::AdafruitFeed { owner, key }, HistoryDialect::AdafruitIo) => match kind {
                HistoryKind::Aggregated => {
                    let hours = (span_ms / 3_600_000.0).ceil() as u32;
                    access.adafruit_chart(owner, key, hours)
                }
                HistoryKind::Raw => access.adafruit_raw(owner, key, start_ms),
            },
            (ReadTarget::ThingSpeakChannel(channel), HistoryDialect::ThingSpeak) => {
                let minutes = (span_ms / 60_000.0).ceil() as u32;
                access.thingspeak_channel(*channel, minutes)
            }
            // A feed of another service than the connection's: nothing to read here.
            _ => return false,
        };
        self.covered.insert(key, span_ms);
        if let Some(reason) = &self.stopped {
            self.states
                .insert(target, HistoryState::Unavailable(reason.clone()));
            return true;
        }
        // A narrower read of the same kind still waiting is replaced by this one.
        self.queue
            .retain(|queued| queued.target != target || queued.kind != kind);
        self.queue.push_back(Read {
            target: target.clone(),
            kind,
            start_ms,
            request,
            page: 1,
            attempts: 0,
        });
        if !matches!(self.states.get(&target), Some(HistoryState::Paused { .. })) {
            self.states.insert(target, HistoryState::Loading);
        }
        true
    }

    /// Starts the next read if none is in flight and `decide` (the budgets) lets it go.
    pub fn pump(&mut self, now: Instant, mut decide: impl FnMut(&Request) -> Decision) -> Pumped {
        let mut pumped = Pumped::default();
        if self.in_flight.is_some() || self.queue.is_empty() {
            return pumped;
        }
        match decide(&Request::HistoryRead) {
            Decision::Go => {
                self.waiting = None;
                if let Some(read) = self.queue.pop_front() {
                    let id = FetchId(self.next_id);
                    self.next_id += 1;
                    pumped.fetch = Some((id, read.request.clone()));
                    self.in_flight = Some((id, read, now + FETCH_TIMEOUT));
                }
            }
            Decision::Wait { until, hold } => {
                if self.waiting.is_none_or(|(at, _)| at != until) {
                    let what = self
                        .queue
                        .front()
                        .map_or_else(String::new, |read| read.target.to_string());
                    pumped.held = Some((format!("history read of {what}"), until, hold));
                }
                self.waiting = Some((until, hold));
            }
            // A read costs one; a budget smaller than that reads nothing, and says so.
            Decision::Refuse(refusal) => {
                let reason = refusal.to_string();
                self.give_up_all(&reason);
            }
        }
        pumped
    }

    /// The answer to fetch `id`. Returns a pause the service asked for (a `429`), to hold
    /// every read of the account until then.
    pub fn handle_response(
        &mut self,
        now: Instant,
        id: FetchId,
        response: &HttpResponse,
    ) -> Option<Instant> {
        let mut read = self.take_in_flight(id)?;
        // ThingSpeak's "no access" is the body `-1`, whatever the status it comes with.
        let no_access =
            matches!(read.target, ReadTarget::ThingSpeakChannel(_)) && response.body.trim() == "-1";
        match response.status {
            _ if no_access => {
                self.take_points(&read, response);
                None
            }
            200..=299 => {
                self.take_points(&read, response);
                None
            }
            429 => {
                let wait = response
                    .retry_after
                    .as_deref()
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .map_or(DEFAULT_TOO_MANY_WAIT, Duration::from_secs);
                let until = now + wait;
                read.attempts += 1;
                if read.attempts >= MAX_ATTEMPTS {
                    self.finish(
                        &read.target,
                        HistoryState::Unavailable(format!(
                            "the service answered \"429 Too Many Requests\" {MAX_ATTEMPTS} times"
                        )),
                    );
                } else {
                    self.states
                        .insert(read.target.clone(), HistoryState::Paused { until });
                    self.queue.push_front(read);
                }
                Some(until)
            }
            401 | 403 => {
                let reason = format!(
                    "the service refused the key ({}); check the username and key",
                    response.status
                );
                self.stopped = Some(reason.clone());
                self.finish(&read.target, HistoryState::Unavailable(reason.clone()));
                self.give_up_all(&reason);
                None
            }
            404 => {
                let what = match read.target {
                    ReadTarget::AdafruitFeed { .. } => "no such feed",
                    ReadTarget::ThingSpeakChannel(_) => "no such channel",
                };
                let reason = format!("{what} on the service (404)");
                self.finish(&read.target, HistoryState::Unavailable(reason));
                None
            }
            status => {
                let reason = format!("the service answered {status}");
                self.finish(&read.target, HistoryState::Unavailable(reason));
                None
            }
        }
    }

    /// Fetch `id` failed without an answer (network, the browser refused a cross-origin read).
    pub fn handle_failure(&mut self, id: FetchId, message: &str) {
        if let Some(read) = self.take_in_flight(id) {
            let reason = format!("the request failed ({message})");
            self.finish(&read.target, HistoryState::Unavailable(reason));
        }
    }

    /// Time has passed: a fetch with no answer for too long is given up.
    pub fn handle_timeout(&mut self, now: Instant) {
        let overdue = self
            .in_flight
            .as_ref()
            .filter(|(_, _, deadline)| now >= *deadline)
            .map(|(id, _, _)| *id);
        if let Some(id) = overdue {
            let seconds = FETCH_TIMEOUT.as_secs();
            self.handle_failure(id, &format!("no answer within {seconds} s"));
        }
    }

    /// When [`HistoryReads::handle_timeout`] or [`HistoryReads::pump`] should next run.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let deadline = self.in_flight.as_ref().map(|(_, _, deadline)| *deadline);
        let wait = self
            .waiting
            .filter(|_| self.in_flight.is_none() && !self.queue.is_empty())
            .map(|(until, _)| until);
        deadline.into_iter().chain(wait).min()
    }

    /// The next batch of points read.
    pub fn poll_batch(&mut self) -> Option<HistoryBatch> {
        self.batches.pop_front()
    }

    fn take_in_flight(&mut self, id: FetchId) -> Option<Read> {
        if self
            .in_flight
            .as_ref()
            .is_none_or(|(current, _, _)| *current != id)
        {
            return None;
        }
        self.in_flight.take().map(|(_, read, _)| read)
    }

    fn take_points(&mut self, read: &Read, response: &HttpResponse) {
        let parsed = match (&read.target, read.kind) {
            (ReadTarget::AdafruitFeed { owner, key }, kind) => {
                let points = match kind {
                    HistoryKind::Raw => parse::adafruit_data(&response.body),
                    HistoryKind::Aggregated => parse::adafruit_chart(&response.body),
                };
                points.map(|points| {
                    let feed = FeedRef::Adafruit {
                        owner: owner.clone(),
                        key: key.clone(),
                    };
                    vec![(feed, points)]
                })
            }
            (ReadTarget::ThingSpeakChannel(channel), _) => parse::thingspeak_feeds(&response.body)
                .map(|fields| {
                    fields
                        .into_iter()
                        .map(|FieldHistory { field, points }| {
                            let feed = FeedRef::ThingSpeakField {
                                channel: *channel,
                                field,
                            };
                            (feed, points)
                        })
                        .collect()
                }),
        };
        let batches = match parsed {
            Ok(batches) => batches,
            Err(ParseError::NoAccess) => {
                let reason = format!("{} is private: add its Read API key", read.target);
                self.finish(&read.target, HistoryState::Unavailable(reason));
                return;
            }
            Err(error) => {
                self.finish(&read.target, HistoryState::Unavailable(error.to_string()));
                return;
            }
        };
        let count: usize = batches.iter().map(|(_, points)| points.len()).sum();
        let oldest = batches
            .iter()
            .flat_map(|(_, points)| points.iter().map(|p| p.time_ms))
            .fold(f64::INFINITY, f64::min);
        for (feed, points) in batches {
            self.batches.push_back(HistoryBatch {
                feed,
                points,
                kind: read.kind,
            });
        }
        let before = match self.states.get(&read.target) {
            Some(HistoryState::Loaded { points }) => *points,
            _ => 0,
        };
        let mut next_page = None;
        if let (HistoryKind::Raw, Some(link), Some(access)) =
            (read.kind, &response.link, &self.access)
        {
            let full_page = count >= super::request::ADAFRUIT_PAGE_LIMIT as usize;
            if full_page && oldest > read.start_ms && read.page < MAX_PAGES {
                next_page = access.next_page(link);
            }
        }
        let state = HistoryState::Loaded {
            points: before + count,
        };
        if let Some(request) = next_page {
            self.queue.push_front(Read {
                request,
                page: read.page + 1,
                attempts: 0,
                ..read.clone()
            });
        }
        self.finish(&read.target, state);
    }

    /// Sets `target`'s state, unless more of its reads wait (then it stays loading, with the
    /// points so far).
    fn finish(&mut self, target: &ReadTarget, state: HistoryState) {
        let more = self.queue.iter().any(|read| read.target == *target);
        let state = match (&state, more) {
            (HistoryState::Loaded { .. }, _) | (_, false) => state,
            (_, true) => HistoryState::Loading,
        };
        self.states.insert(target.clone(), state);
    }

    fn give_up_all(&mut self, reason: &str) {
        for read in std::mem::take(&mut self.queue) {
            self.states
                .insert(read.target, HistoryState::Unavailable(reason.to_owned()));
        }
    }
}
