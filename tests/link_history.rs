//! History reads in the connection core, with a fake clock and answers written by the test:
//! what is read for a dashboard, the read budget, pages, `429` pauses that never loop,
//! refusals that end reads with a note, and keys kept out of addresses.

#[path = "support/wire.rs"]
mod wire;

use feedboard::budget::action::ActionClass;
use feedboard::feeds::series::HistoryKind;
use feedboard::history::{HistoryBatch, HistoryState, HttpResponse, ReadTarget};
use feedboard::link::monitor::MonitorKind;
use feedboard::link::LinkEvent;
use feedboard::service::feed_ref::FeedRef;
use feedboard::service::ServiceKind;
use wire::*;

/// 2026-11-30 12:00:00 UTC, the wall clock of these tests.
const WALL_NOW: f64 = 1_796_040_000_000.0;
const HOUR: f64 = 3_600_000.0;

fn feed(key: &str) -> FeedRef {
    FeedRef::Adafruit {
        owner: "maker".into(),
        key: key.into(),
    }
}

fn want(wire: &mut Wire, feed: &FeedRef, span_ms: f64) {
    let now = wire.now();
    wire.link.want_history(now, WALL_NOW, feed, span_ms);
    wire.pump();
}

/// Adafruit IO raw data: `count` points a minute apart, newest first, ending at `newest_ms`.
fn raw_page(count: usize, newest_ms: f64) -> String {
    raw_page_every(count, newest_ms, 60_000.0)
}

/// Adafruit IO raw data: `count` points `step_ms` apart, newest first, ending at `newest_ms`.
fn raw_page_every(count: usize, newest_ms: f64, step_ms: f64) -> String {
    let points: Vec<String> = (0..count)
        .map(|i| {
            let ms = newest_ms - i as f64 * step_ms;
            let seconds = (ms / 1000.0) as i64;
            format!(r#"{{"id":"p{i}","value":"{i}","feed_key":"temp","created_epoch":{seconds}}}"#)
        })
        .collect();
    format!("[{}]", points.join(","))
}

fn batches(wire: &Wire) -> Vec<&HistoryBatch> {
    wire.events
        .iter()
        .filter_map(|event| match event {
            LinkEvent::History(batch) => Some(batch),
            _ => None,
        })
        .collect()
}

fn state(wire: &Wire, feed: &FeedRef) -> Option<HistoryState> {
    ReadTarget::of(feed).and_then(|target| wire.link.history_state(&target).cloned())
}

fn too_many(retry_after: Option<&str>) -> HttpResponse {
    HttpResponse {
        status: 429,
        body: "Too Many Requests".into(),
        link: None,
        retry_after: retry_after.map(str::to_owned),
    }
}

#[test]
fn an_hour_is_read_point_by_point_and_a_day_as_chart_data_each_once() {
    let mut wire = Wire::new(adafruit("free"));
    want(&mut wire, &feed("temp"), HOUR);
    want(&mut wire, &feed("temp"), 24.0 * HOUR);
    assert_eq!(wire.fetches.len(), 1, "one read at a time");
    let (_, raw, request) = wire.fetches[0].clone();
    assert_eq!(
        request.url,
        "http://broker.test/api/v2/maker/feeds/temp/data?start_time=2026-11-30T11:00:00Z&limit=1000&include=value,lat,lon,ele,created_at"
    );
    assert_eq!(state(&wire, &feed("temp")), Some(HistoryState::Loading));
    wire.answer(raw, 200, &raw_page(60, WALL_NOW - 30_000.0), None);
    let (_, chart, request) = wire.fetches[1].clone();
    assert_eq!(
        request.url,
        "http://broker.test/api/v2/maker/feeds/temp/data/chart?hours=24"
    );
    wire.answer(
        chart,
        200,
        r#"{"columns":["date","avg"],"data":[["2026-11-29T13:00:00Z","20.5"],["2026-11-29T14:00:00Z","21"]]}"#,
        None,
    );
    let read = batches(&wire);
    assert_eq!(read.len(), 2);
    assert_eq!(
        (read[0].feed.clone(), read[0].points.len(), read[0].kind),
        (feed("temp"), 60, HistoryKind::Raw)
    );
    assert_eq!(
        (read[1].points.len(), read[1].kind),
        (2, HistoryKind::Aggregated)
    );
    assert_eq!(
        state(&wire, &feed("temp")),
        Some(HistoryState::Loaded { points: 62 })
    );
    // The same or a narrower window later reads nothing again.
    want(&mut wire, &feed("temp"), 24.0 * HOUR);
    want(&mut wire, &feed("temp"), 12.0 * HOUR);
    want(&mut wire, &feed("temp"), HOUR);
    wire.run_until(600_000);
    assert_eq!(wire.fetches.len(), 2);
}

#[test]
fn ten_day_wide_charts_read_once_each_within_the_first_minute() {
    let mut wire = Wire::new(adafruit("free"));
    for n in 0..10 {
        want(&mut wire, &feed(&format!("f{n}")), 24.0 * HOUR);
    }
    let mut answered = 0;
    while wire.now_ms < 60_000 {
        while answered < wire.fetches.len() {
            let (_, id, _) = wire.fetches[answered].clone();
            wire.answer(id, 200, r#"{"data":[]}"#, None);
            answered += 1;
        }
        let next = wire.now_ms + 1_000;
        wire.run_until(next);
    }
    assert_eq!(wire.fetches.len(), 10, "one chart-data read per feed");
    assert!(wire
        .fetches
        .iter()
        .all(|(at, _, request)| *at == 0 && request.url.contains("/data/chart?hours=24")));
}

#[test]
fn reads_pass_the_read_budget_one_at_a_time_and_the_limits_pane_shows_them() {
    let mut wire = Wire::new(adafruit("free"));
    for n in 0..30 {
        want(&mut wire, &feed(&format!("f{n}")), HOUR);
    }
    // Every answer comes at once: only the budget (20 a minute less the 10 % margin) paces.
    let mut answered = 0;
    while wire.now_ms <= 200_000 {
        while answered < wire.fetches.len() {
            let (_, id, _) = wire.fetches[answered].clone();
            wire.answer(id, 200, "[]", None);
            answered += 1;
        }
        let next = wire.now_ms + 1_000;
        wire.run_until(next);
    }
    let in_first_minute = wire.fetches.iter().filter(|(at, ..)| *at < 60_000).count();
    assert_eq!(in_first_minute, 18, "18 reads in the first minute");
    assert_eq!(wire.fetches.len(), 30, "the rest once the budget came back");
    assert!(wire.fetches.windows(2).all(|w| w[0].1 != w[1].1));
    let meter = wire
        .link
        .meters(wire.now())
        .into_iter()
        .find(|m| m.class == ActionClass::HistoryRead);
    assert!(meter.is_some(), "the Limits pane has a history read meter");
    let held = wire.link.monitor().entries().any(|entry| {
        matches!(&entry.kind, MonitorKind::Held { action, .. } if action.starts_with("history read of"))
    });
    assert!(held, "the monitor says reads waited");
    assert!(wire.link.poll_timeout().is_none(), "nothing left to do");
}

#[test]
fn a_429_storm_pauses_every_read_and_gives_each_up_after_three_answers() {
    let mut wire = Wire::new(adafruit("free"));
    for n in 0..5 {
        want(&mut wire, &feed(&format!("f{n}")), HOUR);
    }
    let mut answered = 0;
    let mut gaps = Vec::new();
    while wire.now_ms <= 3_600_000 {
        while answered < wire.fetches.len() {
            let (at, id, _) = wire.fetches[answered].clone();
            if answered > 0 {
                gaps.push(at - wire.fetches[answered - 1].0);
            }
            wire.jump_to(at);
            wire.answer_with(id, &too_many(None));
            answered += 1;
        }
        match wire.link.poll_timeout() {
            Some(due) => wire.run_until(due.as_millis()),
            None => break,
        }
    }
    assert_eq!(wire.fetches.len(), 15, "three tries per read, never more");
    assert!(
        gaps.iter().all(|gap| *gap >= 30_000),
        "every read waited the 30 s a 429 asks for: {gaps:?}"
    );
    for n in 0..5 {
        assert!(matches!(
            state(&wire, &feed(&format!("f{n}"))),
            Some(HistoryState::Unavailable(reason)) if reason.contains("429")
        ));
    }
    wire.run_until(7_200_000);
    assert_eq!(wire.fetches.len(), 15);
    assert!(wire.link.monitor().entries().any(|entry| matches!(
        &entry.kind,
        MonitorKind::Held { action, .. } if action.contains("429")
    )));
}

#[test]
fn a_429_with_retry_after_waits_that_long_and_tells_the_accounts_other_tabs() {
    let mut wire = Wire::new(adafruit("free"));
    want(&mut wire, &feed("temp"), HOUR);
    let (_, id, _) = wire.fetches[0].clone();
    wire.answer_with(id, &too_many(Some("5")));
    assert_eq!(
        state(&wire, &feed("temp")),
        Some(HistoryState::Paused { until: at(5_000) })
    );
    assert!(wire.events.iter().any(|event| matches!(
        event,
        LinkEvent::Share(feedboard::link::Shared::Pause { class: ActionClass::HistoryRead, until }) if *until == at(5_000)
    )));
    wire.run_until(4_999);
    assert_eq!(wire.fetches.len(), 1);
    wire.run_until(5_000);
    assert_eq!(wire.fetches.len(), 2, "tried again when the pause ended");
    let (_, id, _) = wire.fetches[1].clone();
    wire.answer(id, 200, &raw_page(3, WALL_NOW), None);
    assert_eq!(
        state(&wire, &feed("temp")),
        Some(HistoryState::Loaded { points: 3 })
    );
}

#[test]
fn full_pages_are_followed_to_the_windows_start_on_the_same_origin_only() {
    let mut wire = Wire::new(adafruit("free"));
    want(&mut wire, &feed("temp"), HOUR);
    let next =
        r#"<http://broker.test/api/v2/maker/feeds/temp/data?before=TOKEN1&limit=1000>; rel="next""#;
    // A full page still newer than the window's start: the next page is read.
    let (_, id, _) = wire.fetches[0].clone();
    wire.answer(
        id,
        200,
        &raw_page_every(1000, WALL_NOW, 1_000.0),
        Some(next),
    );
    let page = |i: usize| wire.fetches.get(i).map(|(_, id, r)| (*id, r.url.clone()));
    let (id, url) = page(1).expect("a second page");
    assert_eq!(
        url,
        "http://broker.test/api/v2/maker/feeds/temp/data?before=TOKEN1&limit=1000"
    );
    assert_eq!(
        wire.fetches[1]
            .2
            .headers
            .first()
            .map(|(name, _)| name.as_str()),
        Some("X-AIO-Key")
    );
    // A page reaching back past the window's start ends the read.
    wire.answer(id, 200, &raw_page(1000, WALL_NOW - 2.0 * HOUR), Some(next));
    assert_eq!(wire.fetches.len(), 2);
    assert_eq!(
        state(&wire, &feed("temp")),
        Some(HistoryState::Loaded { points: 2000 })
    );
    // A next page on another host is never followed (the key would go with it).
    want(&mut wire, &feed("other"), HOUR);
    let (_, id, _) = wire.fetches[2].clone();
    let elsewhere = r#"<http://elsewhere.test/api/v2/x?before=T>; rel="next""#;
    wire.answer(
        id,
        200,
        &raw_page_every(1000, WALL_NOW, 1_000.0),
        Some(elsewhere),
    );
    wire.run_until(120_000);
    assert_eq!(wire.fetches.len(), 3);
}

#[test]
fn a_dense_feed_stops_after_five_pages() {
    let mut wire = Wire::new(adafruit("free"));
    want(&mut wire, &feed("temp"), HOUR);
    let next = r#"<http://broker.test/api/v2/maker/feeds/temp/data?before=T>; rel="next""#;
    for page in 0..5 {
        let (_, id, _) = wire.fetches[page].clone();
        // 1 000 points 100 ms apart: a page covers 100 s of the hour.
        let newest = WALL_NOW - page as f64 * 100_000.0;
        wire.answer(id, 200, &raw_page_every(1000, newest, 100.0), Some(next));
    }
    wire.run_until(600_000);
    assert_eq!(wire.fetches.len(), 5, "five pages at most");
    assert_eq!(
        state(&wire, &feed("temp")),
        Some(HistoryState::Loaded { points: 5000 })
    );
}

#[test]
fn a_refused_key_ends_every_read_with_a_note_and_no_more_requests() {
    let mut wire = Wire::new(adafruit("free"));
    for key in ["a", "b", "c"] {
        want(&mut wire, &feed(key), HOUR);
    }
    let (_, id, _) = wire.fetches[0].clone();
    wire.answer(id, 401, r#"{"error":"not authorized"}"#, None);
    for key in ["a", "b", "c", "d"] {
        if key == "d" {
            want(&mut wire, &feed(key), HOUR);
        }
        assert!(
            matches!(
                state(&wire, &feed(key)),
                Some(HistoryState::Unavailable(reason)) if reason.contains("refused the key (401)")
            ),
            "{key}: {:?}",
            state(&wire, &feed(key))
        );
    }
    wire.run_until(3_600_000);
    assert_eq!(wire.fetches.len(), 1);
}

#[test]
fn a_missing_feed_a_malformed_answer_and_a_failed_fetch_each_end_only_their_read() {
    let mut wire = Wire::new(adafruit("free"));
    for key in ["gone", "garbled", "unreachable", "fine"] {
        want(&mut wire, &feed(key), HOUR);
    }
    let id = |wire: &Wire, i: usize| wire.fetches[i].1;
    wire.answer(id(&wire, 0), 404, r#"{"error":"not found"}"#, None);
    wire.answer(id(&wire, 1), 200, "<html>maintenance</html>", None);
    let now = wire.now();
    let failed = id(&wire, 2);
    wire.link.handle_fetch_failed(now, failed, "no answer");
    wire.pump();
    wire.answer(id(&wire, 3), 200, &raw_page(2, WALL_NOW), None);
    let reason = |key: &str| match state(&wire, &feed(key)) {
        Some(HistoryState::Unavailable(reason)) => reason,
        other => format!("{other:?}"),
    };
    assert_eq!(reason("gone"), "no such feed on the service (404)");
    assert_eq!(
        reason("garbled"),
        "the service's answer could not be read (not JSON)"
    );
    assert_eq!(reason("unreachable"), "the request failed (no answer)");
    assert_eq!(
        state(&wire, &feed("fine")),
        Some(HistoryState::Loaded { points: 2 })
    );
}

#[test]
fn a_fetch_never_answered_is_given_up_after_30_s_and_its_late_answer_ignored() {
    let mut wire = Wire::new(adafruit("free"));
    want(&mut wire, &feed("slow"), HOUR);
    want(&mut wire, &feed("next"), HOUR);
    let (_, slow, _) = wire.fetches[0].clone();
    wire.run_until(29_999);
    assert_eq!(wire.fetches.len(), 1);
    wire.run_until(30_000);
    assert!(matches!(
        state(&wire, &feed("slow")),
        Some(HistoryState::Unavailable(reason)) if reason.contains("no answer within 30 s")
    ));
    assert_eq!(wire.fetches.len(), 2, "the next read goes");
    wire.answer(slow, 200, &raw_page(5, WALL_NOW), None);
    assert!(batches(&wire).is_empty(), "the late answer is ignored");
}

#[test]
fn thingspeak_reads_a_channel_once_for_all_its_fields_with_its_read_key() {
    let mut settings = settings(ServiceKind::ThingSpeak, "device", "free");
    settings.read_keys = vec![(7, "READ7".into())];
    let mut wire = Wire::new(settings);
    let field = |channel: u64, field: u8| FeedRef::ThingSpeakField { channel, field };
    want(&mut wire, &field(7, 1), HOUR);
    want(&mut wire, &field(7, 2), HOUR);
    want(&mut wire, &field(8, 1), 24.0 * HOUR);
    assert_eq!(wire.fetches.len(), 1);
    assert_eq!(
        wire.fetches[0].2.url,
        "http://broker.test/channels/7/feeds.json?minutes=60&api_key=READ7"
    );
    let body = r#"{"channel":{"id":7},"feeds":[{"created_at":"2026-11-30T11:30:00Z","entry_id":1,"field1":"20","field2":"55"},{"created_at":"2026-11-30T11:30:15Z","entry_id":2,"field1":"21","field2":null}]}"#;
    let (_, id, _) = wire.fetches[0].clone();
    wire.answer(id, 200, body, None);
    let read: Vec<(FeedRef, usize)> = batches(&wire)
        .iter()
        .map(|b| (b.feed.clone(), b.points.len()))
        .collect();
    assert_eq!(read, vec![(field(7, 1), 2), (field(7, 2), 1)]);
    assert_eq!(
        state(&wire, &field(7, 2)),
        Some(HistoryState::Loaded { points: 3 })
    );
    let (_, id, request) = wire.fetches[1].clone();
    assert_eq!(
        request.url, "http://broker.test/channels/8/feeds.json?minutes=1440",
        "no key for a public channel"
    );
    wire.answer(id, 200, "-1", None);
    let private = Some(HistoryState::Unavailable(
        "channel 8 is private: add its Read API key".into(),
    ));
    assert_eq!(state(&wire, &field(8, 1)), private);
    // The same answer with an error status says the same.
    want(&mut wire, &field(9, 1), HOUR);
    let (_, id, _) = wire.fetches[2].clone();
    wire.answer(id, 400, "-1", None);
    assert_eq!(
        state(&wire, &field(9, 1)),
        Some(HistoryState::Unavailable(
            "channel 9 is private: add its Read API key".into()
        ))
    );
}

#[test]
fn the_aio_key_travels_only_in_a_header_and_a_plain_broker_reads_nothing() {
    let mut wire = Wire::new(adafruit("free"));
    want(&mut wire, &feed("temp"), 24.0 * HOUR);
    let (_, id, _) = wire.fetches[0].clone();
    wire.answer(id, 200, "[]", None);
    for (_, _, request) in &wire.fetches {
        assert!(!request.url.contains("secret-key"), "{}", request.url);
        assert_eq!(
            request.headers,
            vec![("X-AIO-Key".to_owned(), "secret-key".to_owned())]
        );
    }
    let mut plain = Wire::new(plain_broker());
    plain.pump();
    let before = plain.events.len();
    want(&mut plain, &FeedRef::Topic("demo/temperature".into()), HOUR);
    assert!(plain.fetches.is_empty());
    assert!(
        plain.events_since(before).is_empty(),
        "nothing changed either: {:?}",
        plain.events_since(before)
    );
}
