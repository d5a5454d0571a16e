//! Kept data (`feedboard::keep`) against an in-memory stand-in for IndexedDB: what is written
//! and when, and that reading it back gives the series the page showed — through appends,
//! points the series let go, history merged in, feeds dropped, a failed write and "forget".

use feedboard::feeds::series::{HistoryKind, HistoryPoint};
use feedboard::feeds::store::{FeedStore, StoreLimits};
use feedboard::keep::keeper::{ChunkKey, Keeper, Removal, WriteBatch, CHUNK_POINTS};
use feedboard::keep::restore;
use feedboard::service::feed_ref::FeedRef;
use feedboard::service::incoming::FeedUpdate;
use feedboard::service::value::{Datum, Value};
use std::collections::BTreeMap;

/// IndexedDB's object store, as far as the keeper uses it.
#[derive(Default)]
struct FakeDb {
    chunks: BTreeMap<ChunkKey, Vec<u8>>,
    transactions: usize,
}

impl FakeDb {
    fn apply(&mut self, batch: &WriteBatch) {
        self.transactions += 1;
        for removal in &batch.removals {
            self.chunks.retain(|key, _| match removal {
                Removal::Feed(feed) => key.feed != *feed,
                Removal::Before { feed, before } => key.feed != *feed || key.chunk >= *before,
            });
        }
        for (key, bytes) in &batch.puts {
            self.chunks.insert(key.clone(), bytes.clone());
        }
    }

    fn read_back(&self) -> Vec<(FeedRef, Vec<(f64, Value)>)> {
        let chunks = self
            .chunks
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        restore(chunks)
            .feeds
            .into_iter()
            .map(|batch| {
                let points = batch
                    .points
                    .into_iter()
                    .map(|p| (p.time_ms, p.datum.value))
                    .collect();
                (batch.feed, points)
            })
            .collect()
    }
}

fn topic(name: &str) -> FeedRef {
    FeedRef::Topic(name.to_owned())
}

fn record(store: &mut FeedStore, feed: &FeedRef, value: Value, at_ms: f64) {
    store.record(
        &FeedUpdate {
            feed: feed.clone(),
            datum: Datum::plain(value),
            created_at: None,
        },
        at_ms,
    );
}

/// What the store shows, in the form the fake database gives back.
fn shown(store: &FeedStore) -> Vec<(FeedRef, Vec<(f64, Value)>)> {
    let mut feeds: Vec<_> = store
        .feeds()
        .map(|(feed, series)| {
            let points = series
                .points(series.first_index(), series.end_index())
                .into_iter()
                .map(|p| (p.time_ms, p.datum.value))
                .collect();
            (feed.clone(), points)
        })
        .collect();
    feeds.sort_by_key(|(feed, _)| feed.id());
    feeds
}

/// Each feed's point count and first and last points, for a readable failure.
fn outline(feeds: &[(FeedRef, Vec<(f64, Value)>)]) -> Vec<String> {
    feeds
        .iter()
        .map(|(feed, points)| {
            format!(
                "{feed}: {} points, {:?} … {:?}",
                points.len(),
                points.first(),
                points.last()
            )
        })
        .collect()
}

fn write(keeper: &mut Keeper, store: &FeedStore, db: &mut FakeDb, now_ms: f64) -> bool {
    match keeper.poll_write(store, now_ms) {
        Some(batch) => {
            db.apply(&batch);
            keeper.handle_written(Ok(()));
            true
        }
        None => false,
    }
}

#[test]
fn appended_points_are_written_at_most_once_a_second_and_read_back_whole() {
    let mut store = FeedStore::new(StoreLimits::default());
    let (mut keeper, mut db) = (Keeper::new(), FakeDb::default());
    let temperature = topic("home/temperature");
    for i in 0..1500 {
        record(
            &mut store,
            &temperature,
            Value::Number(f64::from(i)),
            f64::from(i) * 10.0,
        );
    }
    record(
        &mut store,
        &topic("home/door"),
        Value::Text("open".into()),
        5.0,
    );
    assert!(write(&mut keeper, &store, &mut db, 0.0));
    assert_eq!(
        db.chunks.len(),
        3,
        "1 500 points in two chunks, the door in one"
    );
    record(&mut store, &temperature, Value::Number(1500.0), 15_000.0);
    assert!(
        !write(&mut keeper, &store, &mut db, 999.0),
        "not twice in a second"
    );
    let batch = keeper.poll_write(&store, 1000.0).expect("due");
    assert_eq!(
        batch.puts.iter().map(|(k, _)| k.chunk).collect::<Vec<_>>(),
        vec![1],
        "only the chunk being filled is written again"
    );
    db.apply(&batch);
    keeper.handle_written(Ok(()));
    assert!(
        !write(&mut keeper, &store, &mut db, 5000.0),
        "nothing changed"
    );
    assert_eq!(db.read_back(), shown(&store));
}

#[test]
fn a_long_run_with_evictions_merges_and_dropped_feeds_reads_back_as_shown() {
    let limits = StoreLimits {
        points_per_feed: 3000,
        max_feeds: 3,
    };
    let mut store = FeedStore::new(limits);
    let (mut keeper, mut db) = (Keeper::new(), FakeDb::default());
    let mut now = 0.0;
    for second in 0..40u32 {
        for n in 0..4u32 {
            // Feed 3 appears late and pushes out a quiet feed (the store holds 3).
            if n == 3 && second < 30 {
                continue;
            }
            let feed = topic(&format!("sensor/{n}"));
            if n == 0 && second > 20 {
                continue;
            }
            for i in 0..(200 * (n + 1)) {
                now += 1.0;
                let value = if i % 50 == 0 {
                    Value::Text(format!("note {i}"))
                } else {
                    Value::Number(f64::from(i))
                };
                record(
                    &mut store,
                    &feed,
                    value,
                    f64::from(second) * 10_000.0 + now / 1000.0,
                );
            }
        }
        if second == 10 {
            // History read from the service lands before everything.
            let points: Vec<HistoryPoint> = (0..500)
                .map(|i| HistoryPoint {
                    time_ms: -1_000_000.0 + f64::from(i),
                    datum: Datum::plain(Value::Number(-1.0)),
                })
                .collect();
            store.merge_history(&topic("sensor/1"), &points, HistoryKind::Raw, 100_000.0);
        }
        now += 100_000.0;
        write(
            &mut keeper,
            &store,
            &mut db,
            f64::from(second) * 10_000.0 + 10_000.0,
        );
        // A reload: the kept chunks into a fresh store with the same limits (a chunk the series
        // has partly let go still holds its older points; the store keeps the newest).
        let mut reloaded = FeedStore::new(limits);
        let chunks = db
            .chunks
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for batch in restore(chunks).feeds {
            reloaded.merge_history(&batch.feed, &batch.points, batch.kind, 0.0);
        }
        let (kept, expected) = (shown(&reloaded), shown(&store));
        if kept != expected {
            panic!(
                "after second {second}: kept {:?}, shown {:?}",
                outline(&kept),
                outline(&expected)
            );
        }
    }
    assert!(store.feeds_dropped() >= 1, "a feed was let go");
    assert!(
        db.chunks.len() <= 3 * (3000 / CHUNK_POINTS as usize + 2),
        "old chunks were removed: {}",
        db.chunks.len()
    );
}

#[test]
fn a_failed_write_stops_writing_and_says_why_and_forgetting_writes_only_what_is_new() {
    let mut store = FeedStore::new(StoreLimits::default());
    let (mut keeper, mut db) = (Keeper::new(), FakeDb::default());
    let feed = topic("a");
    record(&mut store, &feed, Value::Number(1.0), 1.0);
    assert!(keeper.poll_write(&store, 0.0).is_some());
    keeper.handle_written(Err("the browser's storage for this page is full".into()));
    record(&mut store, &feed, Value::Number(2.0), 2.0);
    assert_eq!(keeper.poll_write(&store, 5000.0), None);
    assert_eq!(
        keeper.stopped(),
        Some("the browser's storage for this page is full")
    );

    keeper.forget(&store);
    db.chunks.clear();
    assert_eq!(keeper.stopped(), None);
    assert!(
        !write(&mut keeper, &store, &mut db, 10_000.0),
        "nothing new yet"
    );
    record(&mut store, &feed, Value::Number(3.0), 3.0);
    assert!(write(&mut keeper, &store, &mut db, 20_000.0));
    assert_eq!(
        db.read_back(),
        vec![(feed, vec![(3.0, Value::Number(3.0))])],
        "only what came after forgetting"
    );
}

#[test]
fn data_read_back_is_not_written_again_unless_live_updates_were_merged_with_it() {
    let mut first = FeedStore::new(StoreLimits::default());
    let (mut keeper, mut db) = (Keeper::new(), FakeDb::default());
    for i in 0..3000 {
        record(
            &mut first,
            &topic("a"),
            Value::Number(f64::from(i)),
            f64::from(i),
        );
        record(
            &mut first,
            &topic("b"),
            Value::Number(f64::from(i)),
            f64::from(i),
        );
    }
    write(&mut keeper, &first, &mut db, 0.0);

    // A reload: a fresh store, one live update of b before the kept data is read back.
    let mut store = FeedStore::new(StoreLimits::default());
    let mut keeper = Keeper::new();
    keeper.forget(&store);
    record(&mut store, &topic("b"), Value::Number(-5.0), 10_000.0);
    let chunks = db
        .chunks
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let restored = restore(chunks);
    assert_eq!(restored.points(), 6000);
    let feeds: Vec<FeedRef> = restored.feeds.iter().map(|b| b.feed.clone()).collect();
    for batch in &restored.feeds {
        store.merge_history(&batch.feed, &batch.points, batch.kind, 10_000.0);
    }
    keeper.restored(&store, &feeds);
    let batch = keeper.poll_write(&store, 20_000.0).expect("b changed");
    assert!(batch
        .puts
        .iter()
        .all(|(key, _)| key.feed == topic("b").id()));
    assert_eq!(batch.removals, vec![Removal::Feed(topic("b").id())]);
    db.apply(&batch);
    assert_eq!(db.read_back(), shown(&store));
}

#[test]
fn a_thousand_busy_feeds_are_written_a_hundred_at_a_time_and_each_gets_its_turn() {
    use feedboard::keep::keeper::FEEDS_PER_WRITE;
    let mut store = FeedStore::new(StoreLimits {
        points_per_feed: 10_000,
        max_feeds: 2_000,
    });
    let feeds: Vec<FeedRef> = (0..1_000).map(|i| topic(&format!("busy/{i}"))).collect();
    let mut keeper = Keeper::new();
    let mut db = FakeDb::default();
    let mut last_written: BTreeMap<String, usize> = BTreeMap::new();
    // Every feed changes every second; the keeper writes once a second.
    for second in 0..25 {
        let now = second as f64 * 1000.0;
        for (i, feed) in feeds.iter().enumerate() {
            record(&mut store, feed, Value::Number(i as f64), now);
        }
        let batch = keeper.poll_write(&store, now).expect("something changed");
        let written: std::collections::BTreeSet<&str> = batch
            .puts
            .iter()
            .map(|(key, _)| key.feed.as_str())
            .collect();
        assert_eq!(written.len(), FEEDS_PER_WRITE, "second {second}");
        for feed in written {
            last_written.insert(feed.to_owned(), second);
        }
        db.apply(&batch);
        keeper.handle_written(Ok(()));
    }
    // In turn: after ten batches every feed had been written, and none waits longer than that.
    assert_eq!(last_written.len(), feeds.len());
    let oldest = last_written.values().min().copied().unwrap_or(0);
    assert!(oldest >= 25 - 10, "a feed last written in second {oldest}");

    // Once the stream stops, the 900 feeds the last batch did not take are written in the next
    // nine batches, and then nothing more.
    let mut batches = 0;
    let mut now = 25_000.0;
    while write(&mut keeper, &store, &mut db, now) {
        batches += 1;
        now += 1000.0;
        assert!(batches <= 9, "still writing after {batches} batches");
    }
    assert_eq!(batches, 9);
    assert_eq!(outline(&db.read_back()), outline(&shown(&store)));
    assert_eq!(db.read_back(), shown(&store));
}
