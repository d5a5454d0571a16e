//! Live feeds in the page, against the local broker and the service simulator: messages become
//! points on the right charts, services' compound messages split into feeds, the canvas holds
//! what the store holds, redraws keep to the animation frames, and exports round-trip.
#![cfg(target_arch = "wasm32")]

#[path = "support/browser.rs"]
mod browser;
#[path = "support/page.rs"]
mod page;
#[path = "support/session_client.rs"]
mod session_client;

use browser::*;
use feedboard::app::StartupOptions;
use feedboard::feeds::series::RowValue;
use feedboard::mqtt::QoS;
use feedboard::service::feed_ref::FeedRef;
use feedboard::service::value::Value;
use feedboard::service::ServiceKind;
use feedboard::time::calendar::{iso8601_millis, parse_iso8601};
use feedboard::ui::feeds_handle::FeedsHandle;
use leptos::prelude::*;
use leptos::web_sys::{self, HtmlCanvasElement};
use page::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn topic_feed(topic: &str) -> FeedRef {
    FeedRef::Topic(topic.to_owned())
}

fn count_of(feeds: FeedsHandle, feed: &FeedRef) -> u64 {
    feeds
        .store()
        .with_untracked(|store| store.get(feed).map_or(0, |series| series.count()))
}

fn draws(canvas: &HtmlCanvasElement) -> u64 {
    canvas
        .get_attribute("data-draws")
        .and_then(|d| d.parse().ok())
        .unwrap_or(0)
}

/// The cards on the page and the feeds in the store, for a failure message.
fn dashboard_state(root: &web_sys::HtmlElement, feeds: FeedsHandle) -> String {
    let cards: Vec<String> = all_within(root, "article[data-feeds]")
        .iter()
        .map(|card| {
            format!(
                "{} ({})",
                card.get_attribute("data-feeds").unwrap_or_default(),
                card.get_attribute("data-card-kind").unwrap_or_default()
            )
        })
        .collect();
    let stored: Vec<String> = feeds
        .store()
        .with_untracked(|store| store.feeds().map(|(feed, _)| feed.id()).collect());
    format!(
        "cards {cards:?}, feeds in the store {stored:?}, status {:?}",
        text_of(root, "#connection-status")
    )
}

#[wasm_bindgen_test]
async fn published_numbers_become_points_on_their_own_chart() {
    let prefix = unique("feedboard-test/chart");
    let (root, feeds, _app) = connected_page(&format!("{prefix}/#")).await;
    let sender = RecordingClient::new(broker_url());
    sender.connect().await;
    let temperature = format!("{prefix}/temperature");
    let door = format!("{prefix}/door");
    let sent: Vec<f64> = (0..40).map(|i| 20.0 + f64::from(i % 7) * 0.5).collect();
    for value in &sent {
        sender
            .client
            .publish(
                &temperature,
                value.to_string().as_bytes(),
                QoS::AtMostOnce,
                false,
            )
            .expect("publish");
    }
    // Not a number, on a chart feed: kept as text, shown, and the chart carries on.
    sender
        .publish_confirmed(&temperature, b"sensor error")
        .await;
    sender.publish_confirmed(&door, b"open").await;

    let feed = topic_feed(&temperature);
    assert!(
        wait_until(5000, || count_of(feeds, &feed) == 41).await,
        "store has {} updates",
        count_of(feeds, &feed)
    );
    let (numbers, latest) = feeds.store().with_untracked(|store| {
        let series = store.get(&feed).expect("the feed");
        let numbers: Vec<f64> = series
            .samples()
            .filter(|s| s.is_number())
            .map(|s| s.value)
            .collect();
        (numbers, series.latest().map(|l| l.datum.value.clone()))
    });
    assert_eq!(numbers, sent, "every number, in order");
    assert_eq!(latest, Some(Value::Text("sensor error".into())));

    let chart = format!("article[data-feeds='{}']", feed.id());
    assert!(
        wait_until(3000, || within(&root, &chart).is_some()).await,
        "no card for {}: {}",
        feed.id(),
        dashboard_state(&root, feeds)
    );
    assert_eq!(
        within(&root, &chart)
            .and_then(|c| c.get_attribute("data-card-kind"))
            .as_deref(),
        Some("chart")
    );
    let door_card = format!("article[data-feeds='{}']", topic_feed(&door).id());
    let door_value = format!("{door_card} .stream-value");
    assert!(
        wait_until(3000, || text_of(&root, &door_value) == "open").await,
        "the door card shows {:?}: {}",
        text_of(&root, &door_value),
        dashboard_state(&root, feeds)
    );
    assert_eq!(
        within(&root, &door_card)
            .and_then(|c| c.get_attribute("data-card-kind"))
            .as_deref(),
        Some("text"),
        "a text feed gets a text card, not a chart"
    );
    assert!(text_of(&root, &format!("{chart} .legend-value")).contains("sensor error"));

    // The new-card field offers the feeds received so far, read when it is used.
    let offered = || {
        all_within(&root, "#known-feeds option")
            .iter()
            .filter_map(|option| option.get_attribute("value"))
            .collect::<Vec<_>>()
    };
    let field = within(&root, "#add-card-feed").expect("the new-card field");
    field
        .dispatch_event(&web_sys::FocusEvent::new("focus").expect("event"))
        .expect("dispatch");
    assert!(
        wait_until(5000, || {
            let names = offered();
            names.contains(&temperature) && names.contains(&door)
        })
        .await,
        "offered: {:?}",
        offered()
    );

    // The line is on the canvas, and only where the data is: the last seconds of a
    // five-minute window are its right edge.
    let canvas = canvas_of(&root, &feed);
    assert!(
        wait_until(3000, || series_columns(&canvas).len() > 40).await,
        "the line is drawn"
    );
    let columns = series_columns(&canvas);
    let width = canvas.width();
    let leftmost = columns.first().copied().unwrap_or(0);
    assert!(
        leftmost > width * 3 / 4,
        "series pixels start at column {leftmost} of {width}: only the newest stretch has data"
    );
    let door_canvas = within(&root, &format!("{door_card} canvas"));
    assert!(door_canvas.is_none(), "no chart for text");
    sender.client.disconnect();
}

/// dev/test has the simulator publish a counter here, 1000 messages a second, from outside
/// the page (as a busy sensor would), so they reach the page over many socket events.
const FAST_TICKER: &str = "feedboard-test/ticker/fast";

#[wasm_bindgen_test]
async fn a_chart_out_of_view_waits_and_draws_when_it_scrolls_in() {
    let (root, feeds, _app) = connected_page(FAST_TICKER).await;
    let feed = topic_feed(FAST_TICKER);
    let selector = format!("article[data-feeds='{}'] canvas", feed.id());
    assert!(wait_until(3000, || within(&root, &selector).is_some()).await);
    let canvas = canvas_of(&root, &feed);
    assert!(wait_until(3000, || draws(&canvas) > 0).await);

    // A long page below the dashboard, scrolled to its end: the chart is far above the view.
    let spacer = page::document().create_element("div").expect("div");
    spacer
        .set_attribute("style", "height: 8000px")
        .expect("style");
    page::document()
        .body()
        .expect("body")
        .append_child(&spacer)
        .expect("spacer");
    window().scroll_to_with_x_and_y(0.0, 20_000.0);
    let out_of_view = wait_until(5000, || {
        canvas.get_bounding_client_rect().bottom() < -1000.0
    })
    .await;
    assert!(out_of_view, "the chart left the view");
    // The observer's answer and a frame already asked for may still draw once.
    gloo_timers::future::TimeoutFuture::new(300).await;
    let (draws_hidden, count_hidden) = (draws(&canvas), count_of(feeds, &feed));
    gloo_timers::future::TimeoutFuture::new(1000).await;
    let received = count_of(feeds, &feed) - count_hidden;
    assert!(received >= 100, "the stream went on: {received} messages");
    assert_eq!(
        draws(&canvas),
        draws_hidden,
        "no redraw while out of view ({received} messages arrived)"
    );

    canvas.scroll_into_view();
    let drawn_again = wait_until(3000, || draws(&canvas) > draws_hidden).await;
    spacer.remove();
    window().scroll_to_with_x_and_y(0.0, 0.0);
    assert!(drawn_again, "drawn as it came into view");
    assert!(!series_columns(&canvas).is_empty(), "with its line");
}

#[wasm_bindgen_test]
async fn a_fast_stream_redraws_the_chart_at_most_once_per_frame() {
    let (root, feeds, _app) = connected_page(FAST_TICKER).await;
    let feed = topic_feed(FAST_TICKER);
    assert!(
        wait_until(3000, || within(
            &root,
            &format!("article[data-feeds='{}'] canvas", feed.id())
        )
        .is_some())
        .await
    );
    let canvas = canvas_of(&root, &feed);
    assert!(wait_until(3000, || draws(&canvas) > 0).await);

    let frames = FrameCounter::start();
    let (draws_before, frames_before, count_before) =
        (draws(&canvas), frames.count(), count_of(feeds, &feed));
    // The message log's newest row, sampled every frame: how often the list changed.
    let mut log_refreshes = 0;
    let mut newest = String::new();
    let started = js_sys::Date::now();
    while js_sys::Date::now() - started < 2000.0 {
        let first = within(&root, ".log-list li")
            .and_then(|row| row.get_attribute("data-seq"))
            .unwrap_or_default();
        if first != newest {
            log_refreshes += 1;
            newest = first;
        }
        gloo_timers::future::TimeoutFuture::new(5).await;
    }
    let redraws = draws(&canvas) - draws_before;
    let frames_seen = frames.count() - frames_before;
    let received = count_of(feeds, &feed) - count_before;
    web_sys::console::log_1(
        &format!("{received} messages in 2 s: {redraws} redraws in {frames_seen} frames").into(),
    );
    assert!(received >= 1000, "the stream arrived: {received} messages");
    // Kept up: a redraw in most frames (a loaded machine may give few frames, not fewer draws).
    assert!(
        redraws >= 3 && 4 * redraws >= 3 * u64::from(frames_seen),
        "the chart kept up: {redraws} redraws in {frames_seen} frames"
    );
    assert!(
        redraws <= u64::from(frames_seen) + 1,
        "{redraws} redraws in {frames_seen} animation frames"
    );
    // The log follows the stream four times a second, not every frame: moving its rows
    // every frame took most of the frame.
    assert!(
        (4..=10).contains(&log_refreshes),
        "the log list changed {log_refreshes} times in 2 s"
    );
    // Every message is kept, in order: the counter has no gaps.
    let gaps = feeds.store().with_untracked(|store| {
        let values: Vec<f64> = store
            .get(&feed)
            .expect("feed")
            .samples()
            .map(|s| s.value)
            .collect();
        values
            .windows(2)
            .filter(|pair| pair[1] != pair[0] + 1.0)
            .count()
    });
    assert_eq!(gaps, 0, "no message lost or reordered");
}

#[wasm_bindgen_test]
async fn adafruit_group_messages_split_into_one_feed_each() {
    let user = unique("maker");
    let (root, feeds, _app) = mount_with_store(StartupOptions::default());
    fill_adafruit_form(&root, &user, "not-a-real-key").await;
    click(&root, "#connect-button");
    assert!(wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await);
    type_into(&root, "Topic filter", &format!("{user}/groups/garden"));
    click(&root, "#subscribe-button");
    let item = format!("li[data-filter='{user}/groups/garden']");
    assert!(wait_until(3000, || text_of(&root, &item).contains("active")).await);

    let device = RecordingClient::as_user(adafruit_url(), &user);
    device.connect().await;
    device
        .publish_confirmed(
            &format!("{user}/groups/garden"),
            br#"{"feeds":{"temp":"21.5","humidity":"40"},"location":{"lat":52.37,"lon":4.89}}"#,
        )
        .await;
    let feed = |key: &str| FeedRef::Adafruit {
        owner: user.clone(),
        key: key.to_owned(),
    };
    assert!(
        wait_until(5000, || count_of(feeds, &feed("garden.temp")) == 1
            && count_of(feeds, &feed("garden.humidity")) == 1)
        .await,
        "feeds: {}",
        text_of(&root, "#feeds-table")
    );
    let (temp, humidity, located) = feeds.store().with_untracked(|store| {
        let latest = |key: &str| store.get(&feed(key)).and_then(|s| s.latest().cloned());
        let temp = latest("garden.temp").expect("temp");
        let humidity = latest("garden.humidity").expect("humidity");
        (
            temp.datum.value,
            humidity.datum.value,
            temp.datum.location.map(|l| (l.lat, l.lon)),
        )
    });
    assert_eq!((temp, humidity), (Value::Number(21.5), Value::Number(40.0)));
    assert_eq!(located, Some((52.37, 4.89)));
    assert_eq!(
        feeds.store().with_untracked(|s| s.len()),
        2,
        "no feed for the group topic itself"
    );
    for key in ["garden.temp", "garden.humidity"] {
        let card = format!("article[data-feeds='{}']", feed(key).id());
        assert!(
            wait_until(5000, || within(&root, &card).is_some()).await,
            "a card for {key}"
        );
    }
    device.client.disconnect();
    click(&root, "#connect-button");
}

#[wasm_bindgen_test]
async fn a_thingspeak_channel_update_splits_into_field_feeds() {
    let channel = 200_000 + (js_sys::Math::random() * 100_000.0) as u64;
    let filter = format!("channels/{channel}/subscribe");
    let (root, feeds, _app) =
        connected_to(Some(ServiceKind::ThingSpeak), thingspeak_url(), &filter).await;

    let device = RecordingClient::new(thingspeak_url());
    device.connect().await;
    device
        .client
        .publish(
            &format!("channels/{channel}/publish"),
            b"field1=45&field2=60.5&field4=on&status=demo",
            QoS::AtMostOnce,
            false,
        )
        .expect("publish");
    let field = |field| FeedRef::ThingSpeakField { channel, field };
    assert!(
        wait_until(5000, || count_of(feeds, &field(1)) == 1
            && count_of(feeds, &field(4)) == 1)
        .await,
        "feeds: {}",
        text_of(&root, "#feeds-table")
    );
    let values: Vec<(u8, Value)> = feeds.store().with_untracked(|store| {
        store
            .feeds()
            .filter_map(|(feed, series)| match feed {
                FeedRef::ThingSpeakField { field, .. } => {
                    Some((*field, series.latest()?.datum.value.clone()))
                }
                _ => None,
            })
            .collect()
    });
    assert_eq!(
        values,
        vec![
            (1, Value::Number(45.0)),
            (2, Value::Number(60.5)),
            (4, Value::Text("on".into()))
        ]
    );
    device.client.disconnect();
}

/// Reads one CSV line (RFC 4180 quotes) into fields.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("a field").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().expect("a field").push(c),
        }
    }
    fields
}

#[wasm_bindgen_test]
async fn a_feed_exported_as_csv_reads_back_as_the_same_history() {
    let prefix = unique("feedboard-test/export");
    let (root, feeds, _app) = connected_page(&format!("{prefix}/#")).await;
    let sender = RecordingClient::new(broker_url());
    sender.connect().await;
    let topic = format!("{prefix}/trip");
    let payloads: [&[u8]; 5] = [
        br#"{"value":21.5,"lat":52.1,"lon":4.3,"ele":7}"#,
        b"22.25",
        b"hello, \"world\"",
        br#"{"value":-3.5,"lat":-33.9,"lon":151.2}"#,
        b"=1+1",
    ];
    for payload in payloads {
        sender.publish_confirmed(&topic, payload).await;
    }
    let feed = topic_feed(&topic);
    assert!(wait_until(5000, || count_of(feeds, &feed) == 5).await);

    capture_downloads();
    let before = download_count();
    let button = format!(
        "tr[data-feed='{}'] button[aria-label='Export {topic} as CSV']",
        feed.id()
    );
    click(&root, &button);
    assert!(
        wait_until(5000, || download_count() == before + 1).await,
        "a download was offered"
    );
    let (name, csv) = downloaded(before).await;
    assert!(name.ends_with(".csv") && name.contains("trip"), "{name}");

    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "time,value,lat,lon,ele");
    let rows: Vec<Vec<String>> = lines[1..].iter().map(|l| csv_fields(l)).collect();
    type Row = (f64, Option<String>, Option<(f64, f64, Option<f64>)>);
    let history: Vec<Row> = feeds.store().with_untracked(|store| {
        store
            .get(&feed)
            .expect("feed")
            .history()
            .map(|row| {
                let value = row.value.map(|v| match v {
                    RowValue::Number(n) => n.to_string(),
                    RowValue::Text(t) => t.to_owned(),
                });
                (
                    row.time_ms,
                    value,
                    row.location.map(|l| (l.lat, l.lon, l.ele)),
                )
            })
            .collect()
    });
    assert_eq!(rows.len(), history.len());
    for (row, (time_ms, value, location)) in rows.iter().zip(&history) {
        assert_eq!(row.len(), 5, "{row:?}");
        assert_eq!(parse_iso8601(&row[0]), Some(*time_ms as i64), "{row:?}");
        assert_eq!(row[0], iso8601_millis(*time_ms as i64));
        let read_back = match value.as_deref() {
            // Spreadsheet formulas are defused with a leading apostrophe on the way out.
            Some(text) if text.starts_with('=') => format!("'{text}"),
            Some(text) => text.to_owned(),
            None => String::new(),
        };
        assert_eq!(row[1], read_back);
        let coordinates = location.map(|(lat, lon, ele)| {
            [
                lat.to_string(),
                lon.to_string(),
                ele.map(|e| e.to_string()).unwrap_or_default(),
            ]
        });
        let expected = coordinates.unwrap_or_default();
        assert_eq!(&row[2..], &expected[..]);
    }
    let values: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        values,
        ["21.5", "22.25", "hello, \"world\"", "-3.5", "'=1+1"]
    );
    assert_eq!(rows[0][2..], ["52.1", "4.3", "7"]);
    sender.client.disconnect();
}

#[wasm_bindgen_test]
async fn the_log_filters_by_topic_shows_hex_and_exports_json_lines() {
    let prefix = unique("feedboard-test/log");
    let (root, _feeds, _app) = connected_page(&format!("{prefix}/#")).await;
    let sender = RecordingClient::new(broker_url());
    sender.connect().await;
    sender
        .publish_confirmed(&format!("{prefix}/a/x"), br#"{"k":1}"#)
        .await;
    sender
        .publish_confirmed(&format!("{prefix}/b/y"), &[0xde, 0xad, 0xbe, 0xef])
        .await;
    let row = |topic: &str| format!(".log-list li[data-topic='{prefix}/{topic}'] pre.payload");
    assert!(wait_until(3000, || within(&root, &row("b/y")).is_some()).await);
    assert_eq!(
        text_of(&root, &row("a/x")),
        "{\n  \"k\": 1\n}",
        "JSON is pretty-printed"
    );
    assert!(
        text_of(&root, &row("b/y")).starts_with("0000  de ad be ef"),
        "binary is hex"
    );

    type_into(&root, "Filter topics", &format!("{prefix}/a/#"));
    assert!(wait_until(5000, || within(&root, &row("b/y")).is_none()).await);
    assert!(within(&root, &row("a/x")).is_some());
    choose(&root, "#log-format", "hex");
    assert!(
        wait_until(5000, || text_of(&root, &row("a/x"))
            .starts_with("0000  7b 22 6b 22"))
        .await
    );

    capture_downloads();
    let before = download_count();
    click(&root, "#log-export");
    assert!(wait_until(5000, || download_count() == before + 1).await);
    let (name, lines) = downloaded(before).await;
    assert!(name.ends_with(".jsonl"), "{name}");
    let parsed: Vec<serde_json::Value> = lines
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    assert_eq!(parsed.len(), 1, "only what the filter shows: {lines}");
    assert_eq!(parsed[0]["topic"], format!("{prefix}/a/x"));
    assert_eq!(parsed[0]["payload"], r#"{"k":1}"#);
    sender.client.disconnect();
}

#[wasm_bindgen_test]
async fn the_readout_follows_the_pointer_and_keys_and_pause_freezes_the_chart() {
    let prefix = unique("feedboard-test/hover");
    let (root, feeds, _app) = connected_page(&format!("{prefix}/#")).await;
    let sender = RecordingClient::new(broker_url());
    sender.connect().await;
    let topic = format!("{prefix}/level");
    for value in ["11", "12", "13.5"] {
        sender.publish_confirmed(&topic, value.as_bytes()).await;
        gloo_timers::future::TimeoutFuture::new(300).await;
    }
    let feed = topic_feed(&topic);
    assert!(wait_until(3000, || count_of(feeds, &feed) == 3).await);
    let card = format!("article[data-feeds='{}']", feed.id());
    assert!(wait_until(3000, || within(&root, &card).is_some()).await);
    let canvas = canvas_of(&root, &feed);
    assert!(wait_until(3000, || draws(&canvas) > 0).await);

    // The pointer at the right edge reads the newest value.
    let rect = canvas.get_bounding_client_rect();
    let init = web_sys::PointerEventInit::new();
    init.set_client_x((rect.right() - 1.0) as i32);
    init.set_client_y((rect.top() + rect.height() / 2.0) as i32);
    init.set_bubbles(true);
    let moved =
        web_sys::PointerEvent::new_with_event_init_dict("pointermove", &init).expect("event");
    canvas.dispatch_event(&moved).expect("dispatch");
    let readout = format!("{card} .chart-readout .readout-value");
    assert!(
        wait_until(5000, || text_of(&root, &readout) == "13.5").await,
        "readout: {}",
        text_of(&root, &readout)
    );

    // Home moves it to the start of the window: the oldest value is nearest.
    let key = |name: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(name);
        init.set_bubbles(true);
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event")
    };
    canvas.dispatch_event(&key("Home")).expect("dispatch");
    assert!(
        wait_until(5000, || text_of(&root, &readout) == "11").await,
        "readout: {}",
        text_of(&root, &readout)
    );
    canvas.dispatch_event(&key("Escape")).expect("dispatch");
    assert!(wait_until(5000, || within(&root, &readout).is_none()).await);

    // Paused, the chart stands still while data keeps arriving; resumed, it moves on. Pausing
    // draws once (the view freezes at that moment): counted from after that draw.
    let pause = format!("{card} .pause-button");
    let live_draws = draws(&canvas);
    click(&root, &pause);
    assert!(wait_until(5000, || text_of(&root, &pause) == "Resume").await);
    assert!(
        wait_until(3000, || draws(&canvas) > live_draws).await,
        "pausing draws the frozen view"
    );
    let frozen = draws(&canvas);
    sender.publish_confirmed(&topic, b"99").await;
    assert!(wait_until(3000, || count_of(feeds, &feed) == 4).await);
    gloo_timers::future::TimeoutFuture::new(1200).await;
    assert_eq!(draws(&canvas), frozen, "no redraw while paused");
    assert!(canvas
        .get_attribute("aria-label")
        .unwrap_or_default()
        .contains("paused"));
    click(&root, &pause);
    assert!(
        wait_until(5000, || draws(&canvas) > frozen).await,
        "redraws after resume"
    );

    // Choosing another window is remembered on the card and described to screen readers.
    click(&root, &format!("{card} button[data-window='1h']"));
    assert!(
        wait_until(5000, || within(
            &root,
            &format!("{card} button[data-window='1h'][aria-pressed='true']")
        )
        .is_some())
        .await
    );
    assert!(canvas
        .get_attribute("aria-label")
        .unwrap_or_default()
        .contains("last 1 h"));
    sender.client.disconnect();
}
