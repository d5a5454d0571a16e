//! A toggle switch: shows whether its feed is on and publishes the other value when flipped.

use super::{Control, ControlStatus, ControlTarget};
use crate::decimal::parse_f64;
use crate::link::ControlPart;
use crate::ui::cards::{first_feed, glance_of};
use crate::ui::feeds_handle::FeedsHandle;
use crate::ui::page_clock::PageClock;
use leptos::prelude::*;

/// Whether `value` means the same as `expected` (numbers compare as numbers, words ignore case).
pub fn same_value(value: &str, expected: &str) -> bool {
    let (value, expected) = (value.trim(), expected.trim());
    match (parse_f64(value), parse_f64(expected)) {
        (Some(a), Some(b)) => a == b,
        _ => value.eq_ignore_ascii_case(expected),
    }
}

/// The toggle card with id `id`.
#[component]
pub fn ToggleCard(id: u32) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let clock = expect_context::<PageClock>();
    let control = Control::of(id);
    let glance = glance_of(feeds, first_feed(control.card));
    // What the user last chose, shown until the feed says otherwise.
    let chosen = RwSignal::new(None::<(bool, f64)>);
    let is_on = move || {
        let settings = control
            .card
            .with(|c| c.as_ref().map(|c| c.control.clone()))
            .unwrap_or_default();
        let reported = glance.with(|g| {
            g.as_ref().map(|g| {
                (
                    same_value(&g.value.to_string(), &settings.on_value),
                    g.at_ms,
                )
            })
        });
        match (reported, chosen.get()) {
            (Some((on, at)), Some((mine, chosen_at))) => {
                if chosen_at > at {
                    mine
                } else {
                    on
                }
            }
            (Some((on, _)), None) => on,
            (None, Some((mine, _))) => mine,
            (None, None) => false,
        }
    };
    let label = move || {
        let settings = control
            .card
            .with(|c| c.as_ref().map(|c| c.control.clone()))
            .unwrap_or_default();
        if is_on() {
            settings.on_value
        } else {
            settings.off_value
        }
    };
    let flip = move |_| {
        let Some(card) = control.settings() else {
            return;
        };
        let next = !is_on();
        chosen.set(Some((next, clock.now().get_untracked())));
        let payload = if next {
            card.control.on_value
        } else {
            card.control.off_value
        };
        control.send(ControlPart::Value, &payload);
    };
    view! {
        <div class="control toggle-card">
            <button type="button" role="switch" class="toggle"
                aria-checked=move || is_on().to_string()
                aria-label=move || control.card.with(|c| c.as_ref().map(|c| c.display_title()).unwrap_or_default())
                on:click=flip>
                <span class="toggle-track" aria-hidden="true"><span class="toggle-thumb"></span></span>
                <span class="toggle-label">{label}</span>
            </button>
            <ControlTarget control=control />
            <ControlStatus control=control />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_values_match_as_numbers_or_words() {
        assert!(same_value("ON", "on"));
        assert!(same_value(" 1 ", "1.0"));
        assert!(!same_value("OFF", "ON"));
        assert!(!same_value("0", "1"));
    }
}
