//! Feed series kept across reloads, free of I/O: the bytes a run of points is kept as
//! ([`codec`]), what to write and when ([`keeper`]), and reading kept chunks back into points
//! ([`restore`]). The browser's IndexedDB is `platform::series_db`; the page's handle is
//! `ui::keep_handle`.

pub mod codec;
pub mod keeper;

use crate::feeds::series::HistoryKind;
use crate::feeds::store::HistoryBatch;
use crate::service::feed_ref::FeedRef;
use keeper::ChunkKey;
use std::collections::BTreeMap;

/// What was read back.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Restored {
    /// Each feed's points, oldest first (kept one by one: raw).
    pub feeds: Vec<HistoryBatch>,
    /// Chunks that could not be read (left out; the rest still count).
    pub damaged: usize,
}

impl Restored {
    /// Points read back in all.
    pub fn points(&self) -> usize {
        self.feeds.iter().map(|batch| batch.points.len()).sum()
    }
}

/// Kept chunks (any order) as each feed's points in order.
pub fn restore(chunks: Vec<(ChunkKey, Vec<u8>)>) -> Restored {
    let mut by_feed: BTreeMap<String, BTreeMap<u64, Vec<u8>>> = BTreeMap::new();
    for (key, bytes) in chunks {
        by_feed
            .entry(key.feed)
            .or_default()
            .insert(key.chunk, bytes);
    }
    let mut restored = Restored::default();
    for (id, chunks) in by_feed {
        let Some(feed) = FeedRef::from_id(&id) else {
            restored.damaged += chunks.len();
            continue;
        };
        let mut points = Vec::new();
        for bytes in chunks.values() {
            match codec::decode(bytes) {
                Ok(mut decoded) => points.append(&mut decoded),
                Err(_) => restored.damaged += 1,
            }
        }
        if !points.is_empty() {
            restored.feeds.push(HistoryBatch {
                feed,
                points,
                kind: HistoryKind::Raw,
            });
        }
    }
    restored
}
