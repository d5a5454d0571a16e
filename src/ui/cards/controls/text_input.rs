//! Number and text inputs: a value typed and sent with a button (or Enter).

use super::{Control, ControlStatus, ControlTarget};
use crate::dashboard::card::CardKind;
use crate::decimal::parse_finite;
use crate::link::ControlPart;
use crate::ui::cards::{first_feed, glance_of};
use crate::ui::feeds_handle::FeedsHandle;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// The number or text input card with id `id`.
#[component]
pub fn InputCard(id: u32) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let control = Control::of(id);
    let glance = glance_of(feeds, first_feed(control.card));
    let numeric = move || {
        control
            .card
            .with(|c| c.as_ref().is_some_and(|c| c.kind == CardKind::NumberInput))
    };
    let typed = RwSignal::new(String::new());
    let input_id = format!("card-{id}-input");
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let text = typed.get_untracked();
        if numeric() && parse_finite(&text).is_none() {
            control
                .problem
                .set(Some(format!("\"{text}\" is not a number")));
            return;
        }
        control.send(ControlPart::Value, text.trim_end_matches(['\r', '\n']));
    };
    view! {
        <form class="control input-card" on:submit=on_submit>
            <label for=input_id.clone()>{move || if numeric() { "Value" } else { "Text" }}</label>
            <div class="row-split">
                <input id=input_id
                    type=move || if numeric() { "number" } else { "text" }
                    step="any"
                    placeholder=move || glance.with(|g| g.as_ref().map(|g| g.value.to_string()).unwrap_or_default())
                    bind:value=typed />
                <button type="submit" class="primary">"Send"</button>
            </div>
            <ControlTarget control=control />
            <ControlStatus control=control />
        </form>
    }
}
