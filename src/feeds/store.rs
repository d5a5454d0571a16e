//! Every feed the dashboard has seen, each a bounded series, in the order they first appeared.

use super::series::{FeedSeries, HistoryKind, HistoryPoint, DEFAULT_CAPACITY};
use crate::service::feed_ref::FeedRef;
use crate::service::incoming::FeedUpdate;
use std::collections::HashMap;

/// Default number of feeds kept; past it, the feed that updated longest ago makes room if it
/// has been quiet for [`QUIET_BEFORE_EVICTION_MS`].
pub const DEFAULT_MAX_FEEDS: usize = 2000;

/// A full store lets a feed go for a new one only once it has been quiet this long. Without it,
/// more active topics than the limit (a `#` on a busy broker, a burst over thousands of topics)
/// would evict each other on every message: no feed kept its history, and the feeds table
/// rebuilt itself all the time.
pub const QUIET_BEFORE_EVICTION_MS: f64 = 60_000.0;

/// Points of one feed's past (read from the service, or kept on the device), to merge into
/// its series.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryBatch {
    /// The feed.
    pub feed: FeedRef,
    /// Its points (any order).
    pub points: Vec<HistoryPoint>,
    /// Raw or summarised.
    pub kind: HistoryKind,
}

/// How much the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    /// Updates kept per feed.
    pub points_per_feed: usize,
    /// Feeds kept.
    pub max_feeds: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        Self {
            points_per_feed: DEFAULT_CAPACITY,
            max_feeds: DEFAULT_MAX_FEEDS,
        }
    }
}

/// What the feeds table says about the store as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreSummary {
    /// Feeds kept.
    pub feeds: usize,
    /// Updates recorded across them.
    pub updates: u64,
    /// Quiet feeds dropped for new ones.
    pub dropped: u64,
    /// Updates of new feeds not kept while the store was full of active feeds.
    pub refused: u64,
    /// The most feeds kept.
    pub max_feeds: usize,
}

impl StoreSummary {
    /// What the limit did, in words (for after the counts), if anything.
    pub fn limit_note(&self) -> Option<String> {
        let mut notes = Vec::new();
        if self.dropped > 0 {
            notes.push(format!(
                "{} quiet feeds dropped to stay within the limit",
                self.dropped
            ));
        }
        if self.refused > 0 {
            notes.push(format!(
                "{} updates of further feeds not kept: {} feeds is the most a page keeps (they are in the message log)",
                self.refused, self.max_feeds
            ));
        }
        (!notes.is_empty()).then(|| notes.join(" · "))
    }
}

/// One feed with the store revision of its last change.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    series: FeedSeries,
    revision: u64,
}

/// The feed store.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedStore {
    entries: HashMap<FeedRef, Entry>,
    order: Vec<FeedRef>,
    limits: StoreLimits,
    revision: u64,
    feeds_dropped: u64,
    updates_refused: u64,
    /// While full of active feeds: no feed can have been quiet long enough before this time
    /// (the stalest one's last update + the quiet time), so a newcomer is refused without
    /// looking through every feed again.
    no_room_until_ms: f64,
}

impl FeedStore {
    /// An empty store with these limits.
    pub fn new(limits: StoreLimits) -> Self {
        Self {
            limits: StoreLimits {
                points_per_feed: limits.points_per_feed.max(1),
                max_feeds: limits.max_feeds.max(1),
            },
            ..Self::default()
        }
    }

    /// Records one feed update that arrived at `at_ms`.
    pub fn record(&mut self, update: &FeedUpdate, at_ms: f64) {
        self.revision += 1;
        let revision = self.revision;
        let Some(entry) = self.entry_for(&update.feed, at_ms) else {
            self.updates_refused += 1;
            return;
        };
        entry.series.record(&update.datum, at_ms);
        entry.revision = revision;
    }

    /// The entry of `feed`, made (with room made for it) if it is new at `at_ms`; `None` if
    /// there is no room.
    fn entry_for(&mut self, feed: &FeedRef, at_ms: f64) -> Option<&mut Entry> {
        if !self.entries.contains_key(feed) {
            if !self.make_room(at_ms) {
                return None;
            }
            self.order.push(feed.clone());
        }
        let (capacity, revision) = (self.limits.points_per_feed, self.revision);
        Some(self.entries.entry(feed.clone()).or_insert_with(|| Entry {
            series: FeedSeries::new(capacity),
            revision,
        }))
    }

    /// Adds points of `feed`'s past read from the service (see [`FeedSeries::merge_history`]);
    /// a feed not kept yet is made for them if there is room (`now_ms` decides, as for a
    /// live update). Returns how many points were added.
    pub fn merge_history(
        &mut self,
        feed: &FeedRef,
        points: &[HistoryPoint],
        kind: HistoryKind,
        now_ms: f64,
    ) -> usize {
        if points.is_empty() {
            return 0;
        }
        let revision = self.revision + 1;
        let Some(entry) = self.entry_for(feed, now_ms) else {
            return 0;
        };
        let added = entry.series.merge_history(points, kind);
        let empty = entry.series.is_empty();
        if added > 0 {
            entry.revision = revision;
        }
        if empty {
            self.entries.remove(feed);
            self.order.retain(|kept| kept != feed);
        } else if added > 0 {
            self.revision = revision;
        }
        added
    }

    /// Makes room for a new feed arriving at `at_ms`: always while the store is not full;
    /// when it is, by dropping the feed updated longest ago if that one has been quiet long
    /// enough. `false`: no room (every kept feed is active), the new feed is not kept.
    fn make_room(&mut self, at_ms: f64) -> bool {
        if self.entries.len() < self.limits.max_feeds {
            return true;
        }
        if at_ms < self.no_room_until_ms {
            return false;
        }
        let at = |entry: &Entry| entry.series.latest().map_or(f64::MIN, |l| l.at_ms);
        let Some((feed, quiet_since)) = self
            .entries
            .iter()
            .map(|(feed, entry)| (feed, at(entry)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
        else {
            return true;
        };
        if at_ms - quiet_since < QUIET_BEFORE_EVICTION_MS {
            self.no_room_until_ms = quiet_since + QUIET_BEFORE_EVICTION_MS;
            return false;
        }
        let feed = feed.clone();
        self.entries.remove(&feed);
        self.order.retain(|kept| *kept != feed);
        self.feeds_dropped += 1;
        true
    }

    /// The series of `feed`.
    pub fn get(&self, feed: &FeedRef) -> Option<&FeedSeries> {
        self.entries.get(feed).map(|entry| &entry.series)
    }

    /// The store revision at which `feed` last changed; 0 for an unknown feed.
    pub fn revision_of(&self, feed: &FeedRef) -> u64 {
        self.entries.get(feed).map_or(0, |entry| entry.revision)
    }

    /// Changes so far; every recorded update adds one.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Feeds in the order they first appeared, with their series.
    pub fn feeds(&self) -> impl Iterator<Item = (&FeedRef, &FeedSeries)> {
        self.order
            .iter()
            .filter_map(|feed| self.entries.get(feed).map(|entry| (feed, &entry.series)))
    }

    /// Number of feeds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no feed has been seen.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Updates recorded across all feeds.
    pub fn total_updates(&self) -> u64 {
        self.entries
            .values()
            .map(|entry| entry.series.count())
            .sum()
    }

    /// The counts the feeds table shows.
    pub fn summary(&self) -> StoreSummary {
        StoreSummary {
            feeds: self.len(),
            updates: self.total_updates(),
            dropped: self.feeds_dropped,
            refused: self.updates_refused,
            max_feeds: self.limits.max_feeds,
        }
    }

    /// Feeds dropped to stay within the limit.
    pub fn feeds_dropped(&self) -> u64 {
        self.feeds_dropped
    }

    /// Updates of new feeds not kept because the store was full of active feeds (they are
    /// still in the message log).
    pub fn updates_refused(&self) -> u64 {
        self.updates_refused
    }

    /// The limits.
    pub fn limits(&self) -> StoreLimits {
        self.limits
    }

    /// Bytes reserved by all series.
    pub fn reserved_bytes(&self) -> usize {
        self.entries
            .values()
            .map(|entry| entry.series.reserved_bytes())
            .sum()
    }

    /// Forgets every feed.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
        self.no_room_until_ms = 0.0;
        self.revision += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::value::{Datum, Value};

    fn update(topic: &str, value: f64) -> FeedUpdate {
        FeedUpdate {
            feed: FeedRef::Topic(topic.to_owned()),
            datum: Datum::plain(Value::Number(value)),
            created_at: None,
        }
    }

    #[test]
    fn feeds_keep_first_seen_order_and_their_own_revision() {
        let mut store = FeedStore::new(StoreLimits::default());
        store.record(&update("b", 1.0), 1.0);
        store.record(&update("a", 2.0), 2.0);
        store.record(&update("b", 3.0), 3.0);
        let order: Vec<String> = store.feeds().map(|(feed, _)| feed.to_string()).collect();
        assert_eq!(order, vec!["b", "a"]);
        assert_eq!(store.revision(), 3);
        assert_eq!(store.revision_of(&FeedRef::Topic("a".into())), 2);
        assert_eq!(store.revision_of(&FeedRef::Topic("b".into())), 3);
        assert_eq!(store.revision_of(&FeedRef::Topic("zzz".into())), 0);
        assert_eq!(store.total_updates(), 3);
    }

    #[test]
    fn past_the_feed_limit_the_stalest_feed_makes_room() {
        let mut store = FeedStore::new(StoreLimits {
            points_per_feed: 10,
            max_feeds: 2,
        });
        let s = 1000.0;
        store.record(&update("old", 1.0), 1.0 * s);
        store.record(&update("busy", 1.0), 2.0 * s);
        store.record(&update("old", 1.0), 3.0 * s);
        store.record(&update("busy", 1.0), 62.0 * s);
        // "old" has been quiet for 59 s only: the newcomer is not kept.
        store.record(&update("new", 1.0), 62.0 * s);
        assert_eq!((store.feeds_dropped(), store.updates_refused()), (0, 1));
        store.record(&update("new", 2.0), 63.0 * s);
        let kept: Vec<String> = store.feeds().map(|(feed, _)| feed.to_string()).collect();
        assert_eq!(kept, vec!["busy", "new"]);
        assert_eq!(store.feeds_dropped(), 1);
    }

    #[test]
    fn more_active_feeds_than_the_limit_do_not_evict_each_other() {
        let mut store = FeedStore::new(StoreLimits {
            points_per_feed: 10,
            max_feeds: 3,
        });
        // Round-robin over six topics, one update a millisecond: the first three are kept
        // with every update of theirs, the other three are refused, nothing churns.
        for i in 0..600 {
            store.record(&update(&format!("t{}", i % 6), 1.0), f64::from(i));
        }
        let kept: Vec<String> = store.feeds().map(|(feed, _)| feed.to_string()).collect();
        assert_eq!(kept, vec!["t0", "t1", "t2"]);
        assert_eq!(store.feeds_dropped(), 0);
        assert_eq!(store.updates_refused(), 300);
        assert_eq!(store.total_updates(), 300);
        assert_eq!(
            store.summary().limit_note().as_deref(),
            Some("300 updates of further feeds not kept: 3 feeds is the most a page keeps (they are in the message log)")
        );
    }

    #[test]
    fn each_feed_is_bounded_by_the_point_limit() {
        let mut store = FeedStore::new(StoreLimits {
            points_per_feed: 50,
            max_feeds: 10,
        });
        for i in 0..500 {
            store.record(&update("x", f64::from(i)), f64::from(i));
        }
        let series = store.get(&FeedRef::Topic("x".into())).expect("recorded");
        assert_eq!((series.len(), series.count()), (50, 500));
    }
}
