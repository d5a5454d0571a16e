//! A colour picker: sends `#rrggbb` when a colour is chosen.

use super::{Control, ControlStatus, ControlTarget};
use crate::chart::theme::parse_hex_colour;
use crate::link::ControlPart;
use crate::ui::cards::{first_feed, glance_of};
use crate::ui::feeds_handle::FeedsHandle;
use leptos::prelude::*;

/// The feed's colour as `#rrggbb`, if its value is one.
fn as_colour(value: &str) -> Option<String> {
    let colour = parse_hex_colour(value)?;
    Some(format!("#{:02x}{:02x}{:02x}", colour.0, colour.1, colour.2))
}

/// The colour card with id `id`.
#[component]
pub fn ColourCard(id: u32) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let control = Control::of(id);
    let glance = glance_of(feeds, first_feed(control.card));
    let current = move || {
        glance
            .with(|g| g.as_ref().and_then(|g| as_colour(&g.value.to_string())))
            .unwrap_or_else(|| "#000000".to_owned())
    };
    let input_id = format!("card-{id}-colour");
    view! {
        <div class="control colour-card">
            <label for=input_id.clone()>"Colour"</label>
            <div class="row-split">
                <input id=input_id type="color" prop:value=current
                    on:change=move |event| control.send(ControlPart::Value, &event_target_value(&event).to_ascii_lowercase()) />
                <code class="colour-value">{current}</code>
            </div>
            <ControlTarget control=control />
            <ControlStatus control=control />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_read_in_either_hex_form() {
        assert_eq!(as_colour("#FF8000"), Some("#ff8000".to_owned()));
        assert_eq!(as_colour("#f80"), Some("#ff8800".to_owned()));
        assert_eq!(as_colour("orange"), None);
    }
}
