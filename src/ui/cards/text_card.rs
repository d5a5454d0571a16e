//! A text card: the latest text values of a feed, newest first (as text, never as markup).

use super::{card_signal, first_feed};
use crate::chart::time_axis::{age_text, readout_time};
use crate::feeds::payload_text::shorten;
use crate::feeds::series::RowValue;
use crate::platform::local_zone::BrowserZone;
use crate::ui::feeds_handle::FeedsHandle;
use crate::ui::page_clock::PageClock;
use leptos::prelude::*;

/// Values listed.
const SHOWN: usize = 20;
/// Longest value shown in full; the rest is cut with "…".
const VALUE_CHARS: usize = 300;

/// The text card with id `id`.
#[component]
pub fn TextCard(id: u32) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let clock = expect_context::<PageClock>();
    let store = feeds.store();
    let card = card_signal(id);
    let feed = first_feed(card);
    let recent = Memo::new(move |_| {
        let feed = feed.get()?;
        store.with(|store| {
            let rows = store.get(&feed)?.recent_values(SHOWN);
            Some(
                rows.into_iter()
                    .map(|(at, value)| {
                        (
                            at,
                            value.map_or_else(|| "(too large to keep)".to_owned(), shown_value),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
        })
    });
    let latest_at =
        move || recent.with(|r| r.as_ref().and_then(|rows| rows.first().map(|(at, _)| *at)));

    view! {
        <div class="text-card">
            {move || latest_at().map(|at| view! {
                <p class="card-meta"><span class="age">{move || age_text(clock.now().get() - at)}</span></p>
            })}
            <ol class="text-stream">
                {move || recent.get().unwrap_or_default().into_iter().enumerate().map(|(index, (at, text))| view! {
                    <li class:newest=index == 0>
                        <time>{readout_time(at, clock.now().get_untracked(), &BrowserZone)}</time>
                        <span class="stream-value">{text}</span>
                    </li>
                }).collect_view()}
            </ol>
            {move || recent.with(|r| r.as_ref().is_none_or(Vec::is_empty)).then(|| view! {
                <p class="empty">"Waiting for the first value…"</p>
            })}
        </div>
    }
}

fn shown_value(value: RowValue<'_>) -> String {
    match value {
        RowValue::Number(number) => number.to_string(),
        RowValue::Text(text) => shorten(text, VALUE_CHARS),
    }
}
