//! A push button: publishes its value when pressed and, if set, another when let go.

use super::{Control, ControlStatus, ControlTarget};
use crate::link::ControlPart;
use leptos::prelude::*;

/// The button card with id `id`.
#[component]
pub fn ButtonCard(id: u32) -> impl IntoView {
    let control = Control::of(id);
    let pressed = RwSignal::new(false);
    let press = move || {
        if pressed.get_untracked() {
            return;
        }
        pressed.set(true);
        if let Some(card) = control.settings() {
            control.send(ControlPart::Press, &card.control.press_value);
        }
    };
    // Press and release use their own slots: a waiting press must not be replaced by its
    // release, both must arrive, in order.
    let release = move || {
        if !pressed.get_untracked() {
            return;
        }
        pressed.set(false);
        if let Some(card) = control
            .settings()
            .filter(|c| !c.control.release_value.is_empty())
        {
            control.send(ControlPart::Release, &card.control.release_value);
        }
    };
    let is_key = |event: &leptos::ev::KeyboardEvent| matches!(event.key().as_str(), " " | "Enter");
    view! {
        <div class="control button-card">
            <button type="button" class="push-button primary"
                aria-pressed=move || pressed.get().to_string()
                on:pointerdown=move |_| press()
                on:pointerup=move |_| release()
                on:pointerleave=move |_| release()
                on:blur=move |_| release()
                on:keydown=move |event| if is_key(&event) && !event.repeat() { event.prevent_default(); press() }
                on:keyup=move |event| if is_key(&event) { event.prevent_default(); release() }>
                {move || control.card.with(|c| c.as_ref().map(|c| c.display_title()).unwrap_or_default())}
            </button>
            <ControlTarget control=control />
            <ControlStatus control=control part=ControlPart::Press />
        </div>
    }
}
