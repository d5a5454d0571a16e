//! What to write to the browser's storage so a reload shows what was shown: each feed's kept
//! points in chunks of [`CHUNK_POINTS`], appended as they arrive, rewritten when the series was
//! rebuilt (history merged in), dropped as the series lets old points go. At most one batch
//! (one transaction) every [`WRITE_EVERY_MS`], and none while one is being written; a batch
//! takes at most [`FEEDS_PER_WRITE`] changed feeds, the next batch going on where it stopped, so
//! a page of a thousand busy feeds writes in small steps instead of one long task a second. A
//! failed write (storage full, refused) stops writing and says why; nothing is retried in a loop.

use super::codec::encode;
use crate::feeds::series::FeedSeries;
use crate::feeds::store::FeedStore;
use crate::service::feed_ref::FeedRef;
use std::collections::HashMap;

/// Points per stored chunk: small enough that rewriting the chunk being filled each second
/// stays cheap (16 KB), large enough that a feed of 100 000 points is a hundred records.
pub const CHUNK_POINTS: u64 = 1024;

/// The shortest time between two writes.
pub const WRITE_EVERY_MS: f64 = 1000.0;

/// Changed feeds one batch writes at most (encoding and storing 1 000 feeds' chunks took the
/// page 40 ms in one go); the others follow in the next batches, in turn.
pub const FEEDS_PER_WRITE: usize = 100;

/// Where a chunk is kept: the feed's stable id and the chunk's number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChunkKey {
    /// [`FeedRef::id`].
    pub feed: String,
    /// Chunk number (the points' place in the series divided by [`CHUNK_POINTS`]).
    pub chunk: u64,
}

/// Chunks to remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// Every chunk of the feed.
    Feed(String),
    /// The feed's chunks numbered below `before`.
    Before {
        /// The feed's id.
        feed: String,
        /// The first chunk kept.
        before: u64,
    },
}

/// One transaction's work: removals first, then puts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WriteBatch {
    /// Chunks to remove.
    pub removals: Vec<Removal>,
    /// Chunks to write (replacing any with the same key).
    pub puts: Vec<(ChunkKey, Vec<u8>)>,
}

impl Synced {
    /// Everything `series` holds counts as written (stored already, or not to be stored below
    /// `floor`).
    fn through(series: &FeedSeries, revision: u64, floor: u64) -> Self {
        Self {
            generation: series.generation(),
            written: series.end_index(),
            first_chunk: series.first_index().max(floor) / CHUNK_POINTS,
            floor,
            revision,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Synced {
    /// The series' rebuild count when written.
    generation: u64,
    /// Points written up to (a series index).
    written: u64,
    /// The first chunk still stored.
    first_chunk: u64,
    /// Points below this index are not to be stored (they were forgotten).
    floor: u64,
    /// The store's revision of the feed when written.
    revision: u64,
}

/// The writer's state for one connection. See the module documentation.
#[derive(Debug, Default)]
pub struct Keeper {
    synced: HashMap<FeedRef, Synced>,
    last_write_ms: Option<f64>,
    writing: bool,
    store_revision: u64,
    /// Where the next batch starts looking for changed feeds (a place in the store's order):
    /// feeds that change all the time do not keep the others from their turn.
    next_feed: usize,
    stopped: Option<String>,
}

impl Keeper {
    /// A keeper with nothing written yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Why writing stopped, if it did.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// The next batch to write, if one is due at `now_ms` and anything changed.
    pub fn poll_write(&mut self, store: &FeedStore, now_ms: f64) -> Option<WriteBatch> {
        if self.writing || self.stopped.is_some() || store.revision() == self.store_revision {
            return None;
        }
        if self
            .last_write_ms
            .is_some_and(|last| now_ms - last < WRITE_EVERY_MS)
        {
            return None;
        }
        let mut batch = WriteBatch::default();
        let feeds = store.len();
        let start = if self.next_feed < feeds {
            self.next_feed
        } else {
            0
        };
        let mut written = 0;
        let mut complete = true;
        let in_turn = store.feeds().skip(start).chain(store.feeds().take(start));
        for (place, (feed, series)) in in_turn.enumerate() {
            let revision = store.revision_of(feed);
            let known = self.synced.get(feed).copied();
            if known.is_some_and(|synced| synced.revision == revision) {
                continue;
            }
            if written == FEEDS_PER_WRITE {
                // The rest next time, starting here.
                self.next_feed = (start + place) % feeds.max(1);
                complete = false;
                break;
            }
            let synced = write_feed(&mut batch, feed, series, known, revision);
            self.synced.insert(feed.clone(), synced);
            written += 1;
        }
        // Feeds the store let go are let go here too.
        let gone: Vec<FeedRef> = self
            .synced
            .keys()
            .filter(|feed| store.get(feed).is_none())
            .cloned()
            .collect();
        for feed in gone {
            self.synced.remove(&feed);
            batch.removals.push(Removal::Feed(feed.id()));
        }
        if complete {
            // Everything the store holds now is written: nothing to look at until it changes.
            self.store_revision = store.revision();
        }
        if batch.puts.is_empty() && batch.removals.is_empty() {
            return None;
        }
        self.writing = true;
        self.last_write_ms = Some(now_ms);
        Some(batch)
    }

    /// The last batch was written, or failed with `error` (then writing stops: the page says
    /// why, and a reload tries again).
    pub fn handle_written(&mut self, result: Result<(), String>) {
        self.writing = false;
        if let Err(error) = result {
            self.stopped = Some(error);
        }
    }

    /// `feeds` were read back from storage into `store`: those that hold nothing else (no
    /// update arrived before they were read) are stored as they are, not written again.
    pub fn restored(&mut self, store: &FeedStore, feeds: &[FeedRef]) {
        for feed in feeds {
            let Some(series) = store.get(feed).filter(|series| series.count() == 0) else {
                continue;
            };
            let synced = Synced::through(series, store.revision_of(feed), 0);
            self.synced.insert(feed.clone(), synced);
        }
    }

    /// The stored data was forgotten: what the store holds now is not written again, only what
    /// arrives from now on.
    pub fn forget(&mut self, store: &FeedStore) {
        self.synced.clear();
        for (feed, series) in store.feeds() {
            let synced = Synced::through(series, store.revision_of(feed), series.end_index());
            self.synced.insert(feed.clone(), synced);
        }
        self.store_revision = store.revision();
        self.stopped = None;
    }
}

/// Adds `feed`'s changes since `known` to `batch`; returns what is written after it.
fn write_feed(
    batch: &mut WriteBatch,
    feed: &FeedRef,
    series: &FeedSeries,
    known: Option<Synced>,
    revision: u64,
) -> Synced {
    let id = feed.id();
    let (first, end) = (series.first_index(), series.end_index());
    let rebuilt = known.is_none_or(|synced| synced.generation != series.generation());
    let (from, floor, mut first_chunk) = match known {
        Some(synced) if !rebuilt => (synced.written, synced.floor, synced.first_chunk),
        // Written for the first time here, or rebuilt: every chunk again, and nothing of an
        // earlier writing left behind (its chunks could outnumber the new ones).
        _ => {
            batch.removals.push(Removal::Feed(id.clone()));
            (first, 0, first / CHUNK_POINTS)
        }
    };
    let start = from.max(first).max(floor);
    if start < end {
        for chunk in start / CHUNK_POINTS..=(end - 1) / CHUNK_POINTS {
            let chunk_start = (chunk * CHUNK_POINTS).max(first).max(floor);
            let chunk_end = ((chunk + 1) * CHUNK_POINTS).min(end);
            let points = series.points(chunk_start, chunk_end);
            batch.puts.push((
                ChunkKey {
                    feed: id.clone(),
                    chunk,
                },
                encode(&points),
            ));
        }
    }
    let kept_from = first.max(floor) / CHUNK_POINTS;
    if kept_from > first_chunk && !rebuilt {
        batch.removals.push(Removal::Before {
            feed: id,
            before: kept_from,
        });
    }
    first_chunk = first_chunk.max(kept_from);
    Synced {
        generation: series.generation(),
        written: end,
        first_chunk,
        floor,
        revision,
    }
}
