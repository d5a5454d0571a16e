//! What the watcher says about a card's feeds, under its title: a feed gone silent, a rule
//! firing.

use super::card_signal;
use crate::platform::local_zone::BrowserZone;
use crate::ui::page_clock::PageClock;
use crate::ui::watch_handle::WatchHandle;
use crate::ui::when::When;
use leptos::prelude::*;

/// The notes of card `id`; nothing while all is well.
#[component]
pub fn WatchNotes(id: u32) -> impl IntoView {
    let card = card_signal(id);
    let marks = expect_context::<WatchHandle>().marks();
    let clock = expect_context::<PageClock>();
    let notes = Memo::new(move |_| {
        let feeds = card.with(|c| c.as_ref().map(|c| c.feeds.clone()).unwrap_or_default());
        let several = feeds.len() > 1;
        marks.with(|m| {
            let silent = feeds.iter().filter_map(|feed| {
                let silence = m.silence(feed)?;
                let text = silence.describe(clock.now().get_untracked(), &BrowserZone);
                Some((
                    false,
                    if several {
                        format!("{}: {text}", feed.short_name())
                    } else {
                        capitalised(&text)
                    },
                ))
            });
            let firing = m
                .firing()
                .filter(|alert| feeds.contains(&alert.feed))
                .map(|alert| (true, format!("⚠ {}", alert.message())));
            firing.chain(silent).collect::<Vec<_>>()
        })
    });
    view! {
        <When when=move || !notes.with(Vec::is_empty)>
            <ul class="card-notes" role="status">
                {move || notes.get().into_iter().map(|(alert, text)| view! {
                    <li class=if alert { "card-alert" } else { "card-silent" }>{text}</li>
                }).collect_view()}
            </ul>
        </When>
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}
