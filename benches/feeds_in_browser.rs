//! Benchmarks of the feed store and charts in headless Chromium, in the release build (what
//! ships). Not tests: each prints figures on a `bench:` line and asserts only that the work was
//! done. Run with `dev/bench`.
#![cfg(target_arch = "wasm32")]

use feedboard::chart::draw::Line;
use feedboard::feeds::decimate::decimate;
use feedboard::feeds::series::{FeedSeries, Sample};
use feedboard::feeds::store::{FeedStore, StoreLimits};
use feedboard::service::feed_ref::FeedRef;
use feedboard::service::incoming::FeedUpdate;
use feedboard::service::value::{Datum, Value};
use feedboard::ui::chart::paint::draw_lines;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .expect("performance.now")
}

fn report(line: &str) {
    web_sys::console::log_1(&format!("bench: {line}").into());
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// A canvas of `width` × `height` device pixels, attached to the page.
fn canvas(width: u32, height: u32) -> web_sys::HtmlCanvasElement {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .expect("canvas")
        .unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    document
        .body()
        .expect("body")
        .append_child(&canvas)
        .expect("attach");
    canvas
}

/// Reading a pixel back waits until the canvas has really drawn what it was given.
fn finish(canvas: &web_sys::HtmlCanvasElement) {
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .expect("context")
        .expect("2d")
        .unchecked_into();
    let _ = context.get_image_data(0.0, 0.0, 1.0, 1.0);
}

/// Draws the series' window (decimated to the canvas width first, as cards do, when
/// `all_points` is `None`; else `all_points` as they are); returns the time taken in ms and the
/// points handed to plotters.
fn redraw(
    canvas: &web_sys::HtmlCanvasElement,
    series: &FeedSeries,
    from_ms: f64,
    to_ms: f64,
    all_points: Option<&[Sample]>,
) -> (f64, usize) {
    let start = now_ms();
    let mut reduced = Vec::new();
    let points: &[Sample] = match all_points {
        Some(points) => points,
        None => {
            decimate(
                series.window(from_ms, to_ms),
                from_ms,
                to_ms,
                canvas.width() as usize,
                &mut reduced,
            );
            &reduced
        }
    };
    draw_lines(
        canvas,
        &[Line { points, colour: 0 }],
        (from_ms, to_ms),
        (1.0, false),
        "",
    )
    .expect("drawn");
    finish(canvas);
    (now_ms() - start, points.len())
}

#[wasm_bindgen_test]
fn redraw_of_a_million_point_series_with_and_without_decimation() {
    let to_ms = 1_795_457_045_000.0;
    let from_ms = to_ms - 86_400_000.0;
    let mut series = FeedSeries::new(1_000_000);
    for i in 0..1_000_000 {
        let t = f64::from(i);
        let value = 20.0 + 5.0 * (t / 40_000.0).sin() + ((t * 12.9898).sin() * 43_758.545).fract();
        series.record(&Datum::plain(Value::Number(value)), from_ms + t * 86.4);
    }
    let all_points: Vec<Sample> = series.samples().collect();
    for (width, height) in [(1200, 300), (2400, 600)] {
        let canvas = canvas(width, height);
        // Warm up (fonts, code paths), then measure.
        redraw(&canvas, &series, from_ms, to_ms, None);
        let decimated: Vec<(f64, usize)> = (0..20)
            .map(|_| redraw(&canvas, &series, from_ms, to_ms, None))
            .collect();
        let decimation_only = median(
            (0..20)
                .map(|_| {
                    let start = now_ms();
                    let mut out = Vec::new();
                    decimate(
                        series.window(from_ms, to_ms),
                        from_ms,
                        to_ms,
                        width as usize,
                        &mut out,
                    );
                    assert!(!out.is_empty());
                    now_ms() - start
                })
                .collect(),
        );
        let full: Vec<(f64, usize)> = (0..5)
            .map(|_| redraw(&canvas, &series, from_ms, to_ms, Some(&all_points)))
            .collect();
        let with = median(decimated.iter().map(|d| d.0).collect());
        let without = median(full.iter().map(|d| d.0).collect());
        assert_eq!(full[0].1, 1_000_000);
        report(&format!(
            "redraw of 1 000 000 points on a {width}×{height} canvas: decimated {with:.1} ms \
             (median of 20; {} points drawn, decimation {decimation_only:.1} ms of it), \
             undecimated {without:.1} ms (median of 5): {:.0}× faster",
            decimated[0].1,
            without / with.max(0.001)
        ));
    }
}

fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = leptos::wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    f64::from(buffer.byte_length())
}

#[wasm_bindgen_test]
fn steady_memory_of_fifty_feeds_of_a_hundred_thousand_points() {
    const FEEDS: usize = 50;
    const POINTS: usize = 100_000;
    let mut store = FeedStore::new(StoreLimits {
        points_per_feed: POINTS,
        max_feeds: FEEDS,
    });
    let updates: Vec<FeedUpdate> = (0..FEEDS)
        .map(|i| FeedUpdate {
            feed: FeedRef::Topic(format!("bench/sensor-{i}")),
            datum: Datum::plain(Value::Number(0.0)),
            created_at: None,
        })
        .collect();
    let fill = |store: &mut FeedStore, rounds: usize, offset: usize| {
        let start = now_ms();
        for round in 0..rounds {
            for update in &updates {
                let mut update = update.clone();
                update.datum.value = Value::Number((round % 1000) as f64 * 0.01);
                store.record(&update, ((offset + round) * 1000) as f64);
            }
        }
        now_ms() - start
    };
    let before = wasm_memory_bytes();
    let fill_ms = fill(&mut store, POINTS, 0);
    let filled = wasm_memory_bytes();
    let reserved = store.reserved_bytes();
    let more_ms = fill(&mut store, POINTS, POINTS);
    let after_more = wasm_memory_bytes();
    let points = (FEEDS * POINTS) as f64;
    assert_eq!(store.total_updates(), 2 * points as u64);
    assert_eq!(store.len(), FEEDS);
    let megabytes = |bytes: f64| bytes / 1_048_576.0;
    report(&format!(
        "memory of {FEEDS} feeds × {POINTS} points: the store reserves {:.1} MB ({:.1} B a point); \
         wasm memory grew {:.1} MB while filling ({:.0} ns an update); {:.0} more updates \
         (every ring full) grew it by {:.1} MB ({:.0} ns an update)",
        megabytes(reserved as f64),
        reserved as f64 / points,
        megabytes(filled - before),
        fill_ms * 1e6 / points,
        points,
        megabytes(after_more - filled),
        more_ms * 1e6 / points,
    ));
}
