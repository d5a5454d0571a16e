//! Dashboard cards: a common frame (title, settings, remove) around one body per card kind.

pub mod card_frame;
pub mod card_settings;
pub mod chart_card;
pub mod control_settings;
pub mod controls;
pub mod gauge_card;
pub mod history_note;
pub mod location_card;
pub mod number_card;
pub mod text_card;
pub mod watch_notes;

use super::feeds_handle::FeedsHandle;
use crate::dashboard::card::{Card, CardKind};
use crate::feeds::series::FeedGlance;
use crate::service::feed_ref::FeedRef;
use crate::ui::profiles_handle::ProfilesHandle;
use leptos::prelude::*;

/// A card's current settings, re-read whenever the dashboard changes it.
pub fn card_signal(id: u32) -> Memo<Option<Card>> {
    let dashboard = expect_context::<ProfilesHandle>().dashboard();
    Memo::new(move |_| dashboard.with(|board| board.card(id).cloned()))
}

/// What a card's settings fields share: the card, read and changed (and saved) by id, and the
/// ids of its fields.
#[derive(Clone, Copy)]
pub struct CardEditor {
    /// The card's id.
    pub id: u32,
    /// The card's current settings.
    pub card: Memo<Option<Card>>,
    profiles: ProfilesHandle,
}

impl CardEditor {
    /// The editor of card `id`.
    pub fn of(id: u32) -> Self {
        Self {
            id,
            card: card_signal(id),
            profiles: expect_context::<ProfilesHandle>(),
        }
    }

    /// Changes the card (the dashboard is saved).
    pub fn edit(&self, change: impl FnOnce(&mut Card) + 'static) {
        let id = self.id;
        self.profiles.edit_dashboard(|board| board.edit(id, change));
    }

    /// A text from the card, read once (for a field's starting value).
    pub fn read(&self, pick: fn(&Card) -> String) -> String {
        self.card
            .with_untracked(|c| c.as_ref().map(pick).unwrap_or_default())
    }

    /// The element id of the card's field `name`.
    pub fn field(&self, name: &str) -> String {
        format!("card-{}-{name}", self.id)
    }

    /// Whether the card is of `kind` (reactive).
    pub fn is(&self, kind: CardKind) -> bool {
        self.card
            .with(|c| c.as_ref().is_some_and(|c| c.kind == kind))
    }
}

/// A labelled text field of a card's settings: starts from `read`, every keystroke `write`s
/// (and the dashboard is saved).
#[component]
pub fn TextSetting(
    editor: CardEditor,
    /// Names the field's element id.
    name: &'static str,
    label: &'static str,
    read: fn(&Card) -> String,
    write: fn(&mut Card, String),
    #[prop(optional)] placeholder: &'static str,
    /// The most characters it takes.
    #[prop(optional)]
    max_length: Option<u32>,
) -> impl IntoView {
    view! {
        <label for=editor.field(name)>{label}</label>
        <input id=editor.field(name) type="text" prop:value=editor.read(read) placeholder=placeholder
            maxlength=max_length.map(|n| n.to_string())
            on:input=move |event| {
                let text = event_target_value(&event);
                editor.edit(move |card: &mut Card| write(card, text));
            } />
    }
}

/// The first feed of a card, for single-feed kinds.
pub fn first_feed(card: Memo<Option<Card>>) -> Signal<Option<FeedRef>> {
    Signal::derive(move || card.with(|card| card.as_ref().and_then(|c| c.feeds.first().cloned())))
}

/// A feed's glance (last value, age, count, trend), updated only when it changes.
pub fn glance_of(feeds: FeedsHandle, feed: Signal<Option<FeedRef>>) -> Memo<Option<FeedGlance>> {
    let store = feeds.store();
    Memo::new(move |_| {
        let feed = feed.get()?;
        store.with(|store| store.get(&feed).and_then(|series| series.glance()))
    })
}

/// `value unit`, or the value alone.
pub fn with_unit(value: &str, unit: &str) -> String {
    let unit = unit.trim();
    if unit.is_empty() {
        value.to_owned()
    } else {
        format!("{value} {unit}")
    }
}
