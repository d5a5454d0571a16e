//! The read-out under a chart's pointer (or its arrow keys): each feed's nearest number at the
//! hovered time, a crosshair, dots and a small table.

use super::paint::Drawn;
use crate::chart::time_axis::readout_time;
use crate::feeds::series::Sample;
use crate::feeds::store::FeedStore;
use crate::platform::local_zone::BrowserZone;
use crate::service::feed_ref::FeedRef;
use leptos::prelude::*;

/// One series' value under the read-out.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    name: String,
    colour: usize,
    sample: Sample,
    /// Position in CSS pixels within the canvas.
    x: f64,
    y: f64,
}

/// What the read-out shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Readout {
    time_text: String,
    x: f64,
    readings: Vec<Reading>,
}

/// The read-out at `time_ms`: each feed's nearest number inside the drawn window.
pub fn read_out(
    store: &FeedStore,
    feeds: &[FeedRef],
    drawn: &Drawn,
    time_ms: f64,
    now_ms: f64,
) -> Option<Readout> {
    let frame = &drawn.frame;
    let readings: Vec<Reading> = feeds
        .iter()
        .enumerate()
        .filter_map(|(colour, feed)| {
            let sample = store.get(feed)?.nearest_number(time_ms)?;
            let visible = sample.time_ms >= frame.from_ms && sample.time_ms <= frame.to_ms;
            visible.then(|| Reading {
                name: feed.short_name(),
                colour,
                sample,
                x: frame.x_of(sample.time_ms) / drawn.pixel_ratio,
                y: frame.y_of(sample.value) / drawn.pixel_ratio,
            })
        })
        .collect();
    let first = readings.first()?;
    Some(Readout {
        time_text: readout_time(first.sample.time_ms, now_ms, &BrowserZone),
        x: first.x,
        readings,
    })
}

/// Where the read-out moves for `key` from `current` (the hovered time, or the window's end):
/// ←/→ by a fiftieth of the window, Home/End to its ends; `Some(None)` hides it (Esc); `None`
/// for keys the chart leaves alone.
pub fn step_for_key(key: &str, current: Option<f64>, drawn: &Drawn) -> Option<Option<f64>> {
    let frame = &drawn.frame;
    let step = (frame.to_ms - frame.from_ms) / 50.0;
    let current = current.unwrap_or(frame.to_ms);
    Some(match key {
        "ArrowLeft" => Some((current - step).max(frame.from_ms)),
        "ArrowRight" => Some((current + step).min(frame.to_ms)),
        "Home" => Some(frame.from_ms),
        "End" => Some(frame.to_ms),
        "Escape" => None,
        _ => return None,
    })
}

/// The crosshair, the dots and the values table.
#[component]
pub fn ReadoutView(shown: Readout, unit: Signal<String>) -> impl IntoView {
    let unit_suffix = move || {
        let unit = unit.get();
        if unit.trim().is_empty() {
            String::new()
        } else {
            format!(" {}", unit.trim())
        }
    };
    let crosshair = format!("{:.1}px", shown.x);
    view! {
        <div class="chart-crosshair" style:left=crosshair aria-hidden="true"></div>
        {shown.readings.iter().map(|reading| view! {
            <span
                class=format!("chart-dot series-{}", reading.colour % 8)
                style:left=format!("{:.1}px", reading.x)
                style:top=format!("{:.1}px", reading.y)
                aria-hidden="true"
            ></span>
        }).collect_view()}
        <div class="chart-readout" role="status">
            <div class="readout-time">{shown.time_text.clone()}</div>
            {shown.readings.iter().map(|reading| view! {
                <div class="readout-row">
                    <span class=format!("swatch series-{}", reading.colour % 8)></span>
                    <span class="readout-name">{reading.name.clone()}</span>
                    <span class="readout-value">
                        {format!("{}{}", reading.sample.value, unit_suffix())}
                    </span>
                </div>
            }).collect_view()}
        </div>
    }
}
