//! Charts that open with their history, read from the simulated services' HTTP APIs in the
//! browser (real `fetch`, real CORS, the simulator in front of a real mosquitto): a day of an
//! Adafruit IO feed on a fresh page, a private ThingSpeak channel with and without its read
//! key, a `429` storm that pauses reads without a loop, and no key in any address requested.
#![cfg(target_arch = "wasm32")]

#[path = "support/browser.rs"]
mod browser;
#[path = "support/page.rs"]
mod page;
#[path = "support/session_client.rs"]
mod session_client;

use browser::*;
use feedboard::app::StartupOptions;
use feedboard::service::feed_ref::FeedRef;
use feedboard::ui::feeds_handle::FeedsHandle;
use leptos::prelude::*;
use leptos::web_sys::HtmlElement;
use page::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const HOUR_MS: f64 = 3_600_000.0;

/// Starts a fresh record of the addresses the page requests (Resource Timing).
fn start_request_log() {
    js_sys::eval(
        "performance.setResourceTimingBufferSize(10000); performance.clearResourceTimings();",
    )
    .expect("resource timing");
}

/// Every address requested since [`start_request_log`] that contains `part`.
fn requested(part: &str) -> Vec<String> {
    let names =
        js_sys::eval("JSON.stringify(performance.getEntriesByType('resource').map(e => e.name))")
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
    serde_json::from_str::<Vec<String>>(&names)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| name.contains(part))
        .collect()
}

/// Points kept for `feed`, and the hours between its oldest and newest.
fn kept(feeds: FeedsHandle, feed: &FeedRef) -> (usize, f64) {
    feeds.store().with_untracked(|store| {
        store.get(feed).map_or((0, 0.0), |series| {
            let hours = series
                .time_span()
                .map_or(0.0, |(oldest, newest)| (newest - oldest) / HOUR_MS);
            (series.len(), hours)
        })
    })
}

#[wasm_bindgen_test]
async fn an_adafruit_feed_with_a_day_of_history_opens_with_a_full_chart_and_no_key_in_any_address()
{
    start_request_log();
    let (root, feeds, _app) = mount_with_store(StartupOptions::default());
    // dev/test gives this account's feed a value a minute over the last 24 hours.
    fill_adafruit_form(&root, "feedboard-history", "aio-SECRET-4711").await;
    connect_filled(&root).await;
    let feed = FeedRef::Adafruit {
        owner: "feedboard-history".into(),
        key: "temperature".into(),
    };
    let card = add_card(&root, "chart", &feed.id(), "temperature").await;
    // The new card's own window (five minutes) asks for the last hour point by point; once that
    // is read, the 24-hour window asks for the day (clicked sooner, the hour is never wanted
    // alone, and the day is the one read).
    let feed_api = "/api/v2/feedboard-history/feeds/temperature/";
    assert!(
        wait_until(6000, || requested(feed_api)
            .iter()
            .any(|url| url.contains("/data?start_time=")))
        .await,
        "the hour is read: {:?}",
        requested(feed_api)
    );
    click(&root, &format!("{card} button[data-window='24h']"));
    assert!(
        wait_until(6000, || {
            let (points, hours) = kept(feeds, &feed);
            points >= 300 && hours >= 23.0
        })
        .await,
        "a day of history arrives: {:?}; card says {:?}",
        kept(feeds, &feed),
        text_of(&root, &format!("{card} .card-notes"))
    );
    // The line spans the chart, not only its newest edge.
    let canvas = canvas_of(&root, &feed);
    assert!(
        wait_until(3000, || {
            let columns = series_columns(&canvas);
            columns
                .first()
                .is_some_and(|left| *left < canvas.width() / 4)
                && columns
                    .last()
                    .is_some_and(|right| *right > canvas.width() * 3 / 4)
        })
        .await,
        "the 24-hour chart is drawn across its width"
    );
    assert_eq!(text_of(&root, &format!("{card} .card-notes")), "");
    let reads = requested(feed_api);
    assert!(
        reads.iter().any(|url| url.contains("/data?start_time="))
            && reads.iter().any(|url| url.contains("/data/chart?hours=24")),
        "the last hour point by point, the day as chart data: {reads:?}"
    );
    let everything = requested("");
    assert!(
        everything.iter().all(|url| !url.contains("SECRET")),
        "the AIO key is in no address: {everything:?}"
    );
    // Picking the same window again reads nothing more.
    click(&root, &format!("{card} button[data-window='1h']"));
    click(&root, &format!("{card} button[data-window='24h']"));
    gloo_timers::future::TimeoutFuture::new(500).await;
    assert_eq!(requested("/api/v2/feedboard-history/").len(), reads.len());
}

/// Connects the form to the simulated ThingSpeak following channel 4242 (private: dev/test
/// gives it the read key READ4242 and two hours of entries), with `read_key` typed.
async fn connect_thingspeak(root: &HtmlElement, read_key: &str) {
    choose_service(root, "thingspeak").await;
    type_into(root, "Broker URL", thingspeak_url());
    type_into(root, "MQTT device username", "history-reader");
    type_into(root, "MQTT device password", "any");
    type_into(root, "Channel IDs", "4242");
    assert!(
        wait_until(5000, || within(root, "#read-key-4242").is_some()).await,
        "a read key field for the channel"
    );
    type_into(root, "Read API key, channel 4242", read_key);
    connect_filled(root).await;
}

#[wasm_bindgen_test]
async fn a_private_thingspeak_channel_says_it_needs_its_read_key_and_reads_with_it() {
    start_request_log();
    let (root, feeds, _app) = mount_with_store(StartupOptions::default());
    connect_thingspeak(&root, "").await;
    let feed = FeedRef::ThingSpeakField {
        channel: 4242,
        field: 1,
    };
    let card = add_card(&root, "chart", &feed.id(), "4242/1").await;
    // A day's window, so all of the channel's two hours come whenever this test runs.
    click(&root, &format!("{card} button[data-window='24h']"));
    let note = format!("{card} .card-notes");
    assert!(
        wait_until(5000, || {
            text_of(&root, &note)
                == "History unavailable: channel 4242 is private: add its Read API key"
        })
        .await,
        "note: {:?}",
        text_of(&root, &note)
    );
    assert_eq!(kept(feeds, &feed).0, 0);

    click(&root, "#connect-button");
    assert!(wait_until(3000, || text_of(&root, "#connect-button") == "Connect").await);
    type_into(&root, "Read API key, channel 4242", "READ4242");
    connect_filled(&root).await;
    assert!(
        // An entry a minute over two hours.
        wait_until(5000, || {
            let (points, hours) = kept(feeds, &feed);
            points >= 115 && hours >= 1.9
        })
        .await,
        "the channel's two hours arrive with the key: {:?}; note {:?}",
        kept(feeds, &feed),
        text_of(&root, &note)
    );
    assert!(wait_until(5000, || text_of(&root, &note).is_empty()).await);
    let reads = requested("/channels/4242/feeds.json");
    let (with_key, without): (Vec<&String>, Vec<&String>) = reads
        .iter()
        .partition(|url| url.contains("api_key=READ4242"));
    assert_eq!(with_key.len(), 1, "one read with the key: {reads:?}");
    assert!(
        !without.is_empty() && without.iter().all(|url| !url.contains("api_key")),
        "the reads before it had no key: {reads:?}"
    );
}

#[wasm_bindgen_test]
async fn a_429_storm_pauses_history_reads_and_never_loops() {
    start_request_log();
    let user = unique("feedboard-storm");
    let (root, _feeds, _app) = mount_with_store(StartupOptions::default());
    // dev/test lets these accounts read once a minute.
    fill_adafruit_form(&root, &user, "any-key").await;
    connect_filled(&root).await;
    let mut cards = Vec::new();
    for key in ["a", "b", "c"] {
        let feed = format!("aio:{user}/{key}");
        cards.push(add_card(&root, "number", &feed, key).await);
    }
    let path = format!("/api/v2/{user}/");
    assert!(
        wait_until(5000, || requested(&path).len() >= 2).await,
        "reads made: {:?}",
        requested(&path)
    );
    let waiting = "Loading history: waiting, the service asked to slow down (see Limits)";
    assert!(
        wait_until(3000, || cards
            .iter()
            .any(
                |card| text_of(&root, &format!("{card} .card-notes")) == waiting
            ))
        .await,
        "a card says its history waits: {:?}",
        cards
            .iter()
            .map(|card| text_of(&root, &format!("{card} .card-notes")))
            .collect::<Vec<_>>()
    );
    assert!(
        wait_until(3000, || text_of(
            &root,
            "li[data-class='history-read'] .meter-note"
        )
        .contains("paused by the service"))
        .await,
        "the Limits pane shows the pause: {:?}",
        text_of(&root, "li[data-class='history-read']")
    );
    // Nothing more is asked while the pause lasts.
    let asked = requested(&path).len();
    gloo_timers::future::TimeoutFuture::new(3000).await;
    assert_eq!(requested(&path).len(), asked, "no read during the pause");
    assert_eq!(
        asked,
        2,
        "one read answered, one refused: {:?}",
        requested(&path)
    );
}
