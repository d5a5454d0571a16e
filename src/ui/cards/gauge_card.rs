//! A gauge card: the last value on a half dial between a minimum and a maximum (the user's, or
//! round numbers around the values seen).

use super::{card_signal, first_feed, glance_of, with_unit};
use crate::chart::time_axis::age_text;
use crate::chart::value_axis::ValueScale;
use crate::dashboard::card::Card;
use crate::ui::feeds_handle::FeedsHandle;
use crate::ui::page_clock::PageClock;
use leptos::prelude::*;

/// The gauge card with id `id`.
#[component]
pub fn GaugeCard(id: u32) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let clock = expect_context::<PageClock>();
    let store = feeds.store();
    let card = card_signal(id);
    let feed = first_feed(card);
    let glance = glance_of(feeds, feed);
    let unit = move || card.with(|c| c.as_ref().map(|c| c.unit.clone()).unwrap_or_default());
    let range = Memo::new(move |_| {
        if let Some(range) = card.with(|c| c.as_ref().and_then(Card::gauge_range)) {
            return range;
        }
        // Follow the values seen, widened to round numbers.
        let feed = feed.get();
        let (low, high) = store.with(|store| {
            feed.and_then(|feed| {
                store.get(&feed).map(|series| {
                    series
                        .samples()
                        .filter(|s| s.is_number())
                        .fold((f64::MAX, f64::MIN), |(lo, hi), s| {
                            (lo.min(s.value), hi.max(s.value))
                        })
                })
            })
            .unwrap_or((0.0, 100.0))
        });
        let scale = ValueScale::covering(low, high, 4);
        (scale.min, scale.max)
    });

    view! {
        <div class="gauge-card">
            {move || {
                let (low, high) = range.get();
                let number = glance.with(|g| g.as_ref().and_then(|g| g.value.as_number()));
                let at_ms = glance.with(|g| g.as_ref().map(|g| g.at_ms));
                let fraction = number.map(|v| ((v - low) / (high - low)).clamp(0.0, 1.0));
                let out_of_range = number.is_some_and(|v| v < low || v > high);
                let value_text = glance.with(|g| g.as_ref().map(|g| g.value.to_string()));
                let description = match &value_text {
                    Some(value) => format!("{} on a gauge from {low} to {high}", with_unit(value, &unit())),
                    None => "no value yet".to_owned(),
                };
                view! {
                    <svg class="gauge" viewBox="0 0 120 70" role="img" aria-label=description>
                        <path class="gauge-track" d="M 10 62 A 50 50 0 0 1 110 62"></path>
                        {fraction.map(|f| view! { <path class="gauge-fill" d=arc_to(f)></path> })}
                        <text class="gauge-value" x="60" y="56" text-anchor="middle">
                            {value_text.clone().unwrap_or_else(|| "–".to_owned())}
                        </text>
                        <text class="gauge-limit" x="10" y="69" text-anchor="middle">{low.to_string()}</text>
                        <text class="gauge-limit" x="110" y="69" text-anchor="middle">{high.to_string()}</text>
                    </svg>
                    <p class="card-meta">
                        <span class="unit">{unit()}</span>
                        {at_ms.map(|at| view! { <span class="age">{move || age_text(clock.now().get() - at)}</span> })}
                        {out_of_range.then(|| view! { <span class="warning">"outside the gauge's range"</span> })}
                        {(value_text.is_some() && number.is_none()).then(|| view! {
                            <span class="warning">"not a number: shown as text"</span>
                        })}
                    </p>
                }
            }}
        </div>
    }
}

/// The dial's filled arc up to `fraction` (0–1) of the half circle.
fn arc_to(fraction: f64) -> String {
    let angle = std::f64::consts::PI * (1.0 - fraction.clamp(0.0, 1.0));
    let x = 60.0 + 50.0 * angle.cos();
    let y = 62.0 - 50.0 * angle.sin();
    format!("M 10 62 A 50 50 0 0 1 {x:.2} {y:.2}")
}
