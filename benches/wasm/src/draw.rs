//! A chart as the page draws one: a feed in the [`FeedStore`], the window's samples decimated
//! to the canvas width, then drawn with plotters on the canvas ([`draw_lines`]).

use feedboard::chart::draw::Line;
use feedboard::feeds::decimate::decimate;
use feedboard::feeds::store::{FeedStore, StoreLimits};
use feedboard::service::feed_ref::FeedRef;
use feedboard::service::incoming::FeedUpdate;
use feedboard::service::value::{Datum, Value};
use feedboard::ui::chart::paint::draw_lines;
use wasm_bindgen::prelude::*;

/// One chart: its canvas and the feed it shows.
#[wasm_bindgen]
pub struct OurChart {
    canvas: web_sys::HtmlCanvasElement,
    store: FeedStore,
    feed: FeedRef,
    points: Vec<feedboard::feeds::series::Sample>,
}

#[wasm_bindgen]
impl OurChart {
    /// A chart on `canvas` whose feed keeps at most `capacity` points.
    #[wasm_bindgen(constructor)]
    pub fn new(canvas: web_sys::HtmlCanvasElement, capacity: usize) -> OurChart {
        OurChart {
            canvas,
            store: FeedStore::new(StoreLimits {
                points_per_feed: capacity.max(1),
                max_feeds: 1,
            }),
            feed: FeedRef::Topic("bench/chart".into()),
            points: Vec::new(),
        }
    }

    /// Records one update, as a received message is recorded.
    pub fn push(&mut self, time_ms: f64, value: f64) {
        let update = FeedUpdate {
            feed: self.feed.clone(),
            datum: Datum::plain(Value::Number(value)),
            created_at: None,
        };
        self.store.record(&update, time_ms);
    }

    /// Records every (time, value) pair.
    pub fn push_all(&mut self, times: &[f64], values: &[f64]) {
        for (time, value) in times.iter().zip(values) {
            self.push(*time, *value);
        }
    }

    /// Draws the window `from_ms`..`to_ms` as the page does; returns the points drawn.
    pub fn draw(&mut self, from_ms: f64, to_ms: f64) -> Result<u32, JsError> {
        self.points.clear();
        if let Some(series) = self.store.get(&self.feed) {
            decimate(
                series.window(from_ms, to_ms),
                from_ms,
                to_ms,
                self.canvas.width() as usize,
                &mut self.points,
            );
        }
        draw_lines(
            &self.canvas,
            &[Line {
                points: &self.points,
                colour: 0,
            }],
            (from_ms, to_ms),
            (1.0, false),
            "",
        )
        .map_err(|e| JsError::new(&e))?;
        Ok(self.points.len() as u32)
    }
}
