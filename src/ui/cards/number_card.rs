//! A big-number card: the last value with its unit, how old it is, and where it is heading.

use super::{card_signal, first_feed, glance_of, with_unit};
use crate::chart::time_axis::age_text;
use crate::chart::value_axis::format_reading;
use crate::feeds::decimate::decimate;
use crate::feeds::series::Sample;
use crate::service::value::Value;
use crate::ui::feeds_handle::FeedsHandle;
use crate::ui::page_clock::PageClock;
use leptos::prelude::*;

/// How far back the sparkline reaches.
const SPARKLINE_MS: f64 = 5.0 * 60_000.0;

/// The number card with id `id`.
#[component]
pub fn NumberCard(id: u32) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let clock = expect_context::<PageClock>();
    let card = card_signal(id);
    let feed = first_feed(card);
    let glance = glance_of(feeds, feed);
    let unit = move || card.with(|c| c.as_ref().map(|c| c.unit.clone()).unwrap_or_default());
    let store = feeds.store();
    let sparkline = Memo::new(move |_| {
        let feed = feed.get()?;
        let now = glance.with(|g| g.as_ref().map(|g| g.at_ms))?;
        store.with(|store| {
            let series = store.get(&feed)?;
            // A young feed's line spans the card instead of hugging its right edge.
            let from = series
                .time_span()
                .map_or(now, |(oldest, _)| oldest)
                .max(now - SPARKLINE_MS);
            let mut points = Vec::new();
            decimate(series.window(from, now), from, now, 60, &mut points);
            sparkline_points(&points, from, now)
        })
    });

    view! {
        <div class="number-card">
            {move || match glance.get() {
                None => view! { <p class="empty">"Waiting for the first value…"</p> }.into_any(),
                Some(glance) => {
                    let (value_text, numeric) = match &glance.value {
                        Value::Number(n) => (n.to_string(), true),
                        Value::Text(t) => (t.clone(), false),
                    };
                    let trend = glance.trend.filter(|_| numeric).map(trend_text);
                    view! {
                        <p class="big-value" class:big-text=!numeric>
                            <span class="value">{value_text}</span>
                            <span class="unit">{unit()}</span>
                        </p>
                        <p class="card-meta">
                            <span class="age">{move || age_text(clock.now().get() - glance.at_ms)}</span>
                            {trend.map(|(arrow, text, class)| view! {
                                <span class=format!("trend {class}")>
                                    <span aria-hidden="true">{arrow}</span>" "{with_unit(&text, &unit())}" in 1 min"
                                </span>
                            })}
                        </p>
                    }.into_any()
                }
            }}
            {move || sparkline.get().map(|points| view! {
                <svg class="sparkline" viewBox="0 0 100 30" preserveAspectRatio="none" aria-hidden="true">
                    <polyline points=points vector-effect="non-scaling-stroke"></polyline>
                </svg>
            })}
        </div>
    }
}

/// An arrow, the signed change, and a class for its colour.
fn trend_text(change: f64) -> (&'static str, String, &'static str) {
    let text = format_reading(change, 2);
    if text == "0" {
        ("→", "±0".to_owned(), "trend-flat")
    } else if change > 0.0 {
        ("▲", format!("+{text}"), "trend-up")
    } else {
        ("▼", text, "trend-down")
    }
}

/// SVG polyline points in a 100 × 30 box; `None` with fewer than two numbers.
pub fn sparkline_points(points: &[Sample], from_ms: f64, to_ms: f64) -> Option<String> {
    let numbers: Vec<&Sample> = points.iter().filter(|p| p.is_number()).collect();
    if numbers.len() < 2 {
        return None;
    }
    let low = numbers.iter().map(|p| p.value).fold(f64::MAX, f64::min);
    let high = numbers.iter().map(|p| p.value).fold(f64::MIN, f64::max);
    let span_v = (high - low).max(f64::EPSILON);
    let span_t = (to_ms - from_ms).max(1.0);
    let text: Vec<String> = numbers
        .iter()
        .map(|p| {
            let x = ((p.time_ms - from_ms) / span_t * 100.0).clamp(0.0, 100.0);
            let y = 28.0 - (p.value - low) / span_v * 26.0;
            format!("{x:.2},{y:.2}")
        })
        .collect();
    Some(text.join(" "))
}
