//! Where the reading of a card's history stands, under its title: "Loading history…", a pause
//! the service asked for, or why it is unavailable. Nothing once it is read.

use super::card_signal;
use crate::history::{HistoryState, ReadTarget};
use crate::ui::link_handle::LinkHandle;
use crate::ui::when::When;
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
        // One note per read: the fields of a ThingSpeak channel are read together.
        let mut targets: Vec<ReadTarget> = card.feeds.iter().filter_map(ReadTarget::of).collect();
        targets.dedup();
        let several = targets.len() > 1;
        let mut notes: Vec<(bool, String)> = Vec::new();
        for target in &targets {
            let (problem, text) = match link.history_state(target) {
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
                format!("{target}: {text}")
            } else {
                text
            };
            notes.push((problem, text));
        }
        notes
    });
    view! {
        <When when=move || !notes.with(Vec::is_empty)>
            <ul class="card-notes" role="status" aria-label="History">
                {move || notes.get().into_iter().map(|(problem, text)| view! {
                    <li class=if problem { "card-history-problem" } else { "card-history" }>{text}</li>
                }).collect_view()}
            </ul>
        </When>
    }
}
