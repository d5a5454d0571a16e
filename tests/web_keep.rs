//! Charts kept across reloads on any broker (IndexedDB, in the real browser): a plain broker's
//! dashboard shows the same points after a reload, and "Forget stored data" leaves nothing for
//! the next one.
#![cfg(target_arch = "wasm32")]

#[path = "support/browser.rs"]
mod browser;
#[path = "support/page.rs"]
mod page;
#[path = "support/session_client.rs"]
mod session_client;

use browser::*;
use feedboard::app::StartupOptions;
use feedboard::keep::restore;
use feedboard::link::ConnectionSettings;
use feedboard::platform::series_db::SeriesDb;
use feedboard::service::feed_ref::FeedRef;
use feedboard::service::value::Value;
use feedboard::ui::feeds_handle::FeedsHandle;
use feedboard::ui::keep_handle::series_key;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use page::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The points of `feed` the page holds, as (time, value).
fn points_of(feeds: FeedsHandle, feed: &FeedRef) -> Vec<(f64, Value)> {
    feeds.store().with_untracked(|store| {
        store.get(feed).map_or_else(Vec::new, |series| {
            series
                .points(series.first_index(), series.end_index())
                .into_iter()
                .map(|p| (p.time_ms, p.datum.value))
                .collect()
        })
    })
}

/// Points kept in IndexedDB for the plain broker's connection whose feed id starts `prefix`.
async fn kept_points(prefix: &str) -> usize {
    let key = series_key(&ConnectionSettings {
        url: broker_url().to_owned(),
        ..ConnectionSettings::default()
    });
    let Ok(db) = SeriesDb::open().await else {
        return 0;
    };
    let chunks = db.read(&key).await.unwrap_or_default();
    db.close();
    restore(chunks)
        .feeds
        .iter()
        .filter(|batch| batch.feed.id().starts_with(&format!("topic:{prefix}")))
        .map(|batch| batch.points.len())
        .sum()
}

/// Waits (up to about 6 s: a write is due every second) until `expected` points are kept.
async fn wait_for_kept(prefix: &str, expected: usize) -> bool {
    for _ in 0..30 {
        if kept_points(prefix).await == expected {
            return true;
        }
        TimeoutFuture::new(200).await;
    }
    false
}

/// Publishes `count` numbers to `topic` and a few texts to `door`, and waits until the page has
/// them all.
async fn publish_readings(feeds: FeedsHandle, prefix: &str, count: usize) -> (FeedRef, FeedRef) {
    let sender = RecordingClient::new(broker_url());
    sender.connect().await;
    let (temperature, door) = (format!("{prefix}/temperature"), format!("{prefix}/door"));
    for i in 0..count {
        sender
            .publish_confirmed(&temperature, format!("{}.5", 20 + i % 7).as_bytes())
            .await;
    }
    for state in ["open", "closed", "open"] {
        sender.publish_confirmed(&door, state.as_bytes()).await;
    }
    let (temperature, door) = (FeedRef::Topic(temperature), FeedRef::Topic(door));
    assert!(
        wait_until(5000, || points_of(feeds, &temperature).len() == count
            && points_of(feeds, &door).len() == 3)
        .await,
        "the page has every reading"
    );
    sender.client.disconnect();
    (temperature, door)
}

#[wasm_bindgen_test]
async fn a_reload_of_a_plain_broker_dashboard_shows_the_same_points() {
    let prefix = unique("feedboard-test/kept");
    let (_root, feeds, app) = connected_page(&format!("{prefix}/#")).await;
    let (temperature, door) = publish_readings(feeds, &prefix, 40).await;
    let before = (points_of(feeds, &temperature), points_of(feeds, &door));
    assert!(
        wait_for_kept(&prefix, 43).await,
        "kept within a few seconds: {}",
        kept_points(&prefix).await
    );
    drop(app);

    // The same page loaded again: nothing is published meanwhile, and the broker keeps none
    // of it (not retained).
    let (root, feeds, _app) = remount_with_store(StartupOptions::default());
    assert!(
        wait_until(5000, || (
            points_of(feeds, &temperature),
            points_of(feeds, &door)
        ) == before)
        .await,
        "the same points after the reload: {} and {}",
        points_of(feeds, &temperature).len(),
        points_of(feeds, &door).len()
    );
    // Said once the points are in place (a separate update, maybe a slice of work later).
    assert!(
        wait_until(3000, || text_of(&root, "#kept-data-status")
            .starts_with("Restored 43 points of 2 feeds"))
        .await,
        "{}",
        text_of(&root, "#kept-data-status")
    );
    let canvas = canvas_of(&root, &temperature);
    assert!(
        wait_until(3000, || !series_columns(&canvas).is_empty()).await,
        "the chart draws the kept points"
    );
}

#[wasm_bindgen_test]
async fn forgetting_stored_data_leaves_nothing_for_the_next_load() {
    let prefix = unique("feedboard-test/forget");
    let (root, feeds, app) = connected_page(&format!("{prefix}/#")).await;
    let (temperature, _) = publish_readings(feeds, &prefix, 10).await;
    assert!(wait_for_kept(&prefix, 13).await);
    click(&root, "#forget-stored-data");
    assert!(
        wait_until(3000, || text_of(&root, "#kept-data-status")
            .starts_with("Stored data forgotten"))
        .await
    );
    assert!(wait_for_kept(&prefix, 0).await, "nothing kept");
    // The page still shows what it had.
    assert_eq!(points_of(feeds, &temperature).len(), 10);
    drop(app);

    let (root, feeds, _app) = remount_with_store(StartupOptions::default());
    assert!(
        wait_until(5000, || text_of(&root, "#kept-data-status")
            .starts_with("Charts are kept"))
        .await,
        "{}",
        text_of(&root, "#kept-data-status")
    );
    assert!(points_of(feeds, &temperature).is_empty());
}
