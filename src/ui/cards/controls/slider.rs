//! A slider: sends its value when let go, and while dragged sends the latest value now and
//! then, paced so one drag cannot use up the whole budget.

use super::{Control, ControlStatus, ControlTarget};
use crate::decimal::parse_f64;
use crate::link::ControlPart;
use crate::ui::cards::{first_feed, glance_of};
use crate::ui::feeds_handle::FeedsHandle;
use crate::ui::page_clock::PageClock;
use leptos::prelude::*;

/// The least time between two values sent while dragging.
const DRAG_INTERVAL_MS: f64 = 1000.0;

/// The slider card with id `id`.
#[component]
pub fn SliderCard(id: u32) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let clock = expect_context::<PageClock>();
    let control = Control::of(id);
    let glance = glance_of(feeds, first_feed(control.card));
    let range = move || {
        control
            .card
            .with(|c| {
                c.as_ref()
                    .map(|c| (c.control.min, c.control.max, c.control.step))
            })
            .unwrap_or((0.0, 100.0, 1.0))
    };
    let value = RwSignal::new(None::<f64>);
    let shown = move || {
        value
            .get()
            .or_else(|| glance.with(|g| g.as_ref().and_then(|g| g.value.as_number())))
            .unwrap_or(range().0)
    };
    let last_drag_send = StoredValue::new(f64::MIN);
    let input_id = format!("card-{id}-slider");
    let on_input = move |event: leptos::ev::Event| {
        let Some(v) = parse_f64(&event_target_value(&event)) else {
            return;
        };
        value.set(Some(v));
        let now = clock.now().get_untracked();
        if now - last_drag_send.get_value() >= DRAG_INTERVAL_MS {
            last_drag_send.set_value(now);
            control.send(ControlPart::Value, &v.to_string());
        }
    };
    let on_change = move |event: leptos::ev::Event| {
        let Some(v) = parse_f64(&event_target_value(&event)) else {
            return;
        };
        value.set(Some(v));
        control.send(ControlPart::Value, &v.to_string());
    };
    view! {
        <div class="control slider-card">
            <label for=input_id.clone() class="visually-hidden">
                {move || control.card.with(|c| c.as_ref().map(|c| c.display_title()).unwrap_or_default())}
            </label>
            <div class="slider-row">
                <input id=input_id type="range"
                    min=move || range().0.to_string() max=move || range().1.to_string() step=move || range().2.to_string()
                    prop:value=move || shown().to_string()
                    on:input=on_input on:change=on_change />
                <output class="slider-value">{move || shown().to_string()}</output>
            </div>
            <ControlTarget control=control />
            <ControlStatus control=control />
        </div>
    }
}
