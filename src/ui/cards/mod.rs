//! Dashboard cards: a common frame (title, settings, remove) around one body per card kind.

pub mod card_frame;
pub mod card_settings;
pub mod chart_card;
pub mod control_settings;
pub mod controls;
pub mod gauge_card;
pub mod location_card;
pub mod number_card;
pub mod text_card;

use super::feeds_handle::FeedsHandle;
use crate::dashboard::card::Card;
use crate::feeds::series::FeedGlance;
use crate::service::feed_ref::FeedRef;
use crate::ui::profiles_handle::ProfilesHandle;
use leptos::prelude::*;

/// A card's current settings, re-read whenever the dashboard changes it.
pub fn card_signal(id: u32) -> Memo<Option<Card>> {
    let dashboard = expect_context::<ProfilesHandle>().dashboard();
    Memo::new(move |_| dashboard.with(|board| board.card(id).cloned()))
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
