//! Where the reading of a card's history stands, under its title: "Loading history…", a pause
//! the service asked for, or why it is unavailable. Nothing once it is read.

use super::card_signal;
use crate::history::HistoryState;
use crate::ui::link_handle::LinkHandle;
use leptos::prelude::*;

/// The history note of card `id`.
#[component]
pub fn HistoryNote(id: u32) -> impl IntoView {
    let card = card_signal(id);
    let link = expect_context::<LinkHandle>();
    let notes = Memo::new(move |_| {
        let Some(card) = card.get() else {
            return Vec::new();
        };
        if card.kind.is_control() {
            return Vec::new();
        }
        let several = card.feeds.len() > 1;
        let mut notes: Vec<(bool, String)> = Vec::new();
        for feed in &card.feeds {
            let text = match link.history_state(feed) {
                Some(HistoryState::Loading) => (false, "Loading history…".to_owned()),
                Some(HistoryState::Paused { .. }) => (
                    false,
                    "Loading history: waiting, the service asked to slow down (see Limits)"
                        .to_owned(),
                ),
                Some(HistoryState::Unavailable(reason)) => {
                    (true, format!("History unavailable: {reason}"))
                }
                Some(HistoryState::Loaded { .. }) | None => continue,
            };
            let text = if several {
                (text.0, format!("{}: {}", feed.short_name(), text.1))
            } else {
                text
            };
            // A ThingSpeak card of several fields of one channel gets one note, not one each.
            if !notes.iter().any(|(_, known)| known.ends_with(&text.1)) {
                notes.push(text);
            }
        }
        notes
    });
    view! {
        <Show when=move || !notes.with(Vec::is_empty)>
            <ul class="card-notes" role="status" aria-label="History">
                {move || notes.get().into_iter().map(|(problem, text)| view! {
                    <li class=if problem { "card-history-problem" } else { "card-history" }>{text}</li>
                }).collect_view()}
            </ul>
        </Show>
    }
}
