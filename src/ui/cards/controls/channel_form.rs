//! A ThingSpeak channel form: edits to several fields go out together as one channel update
//! (ThingSpeak counts each update against the channel's window), and edits made while an
//! update waits for the window are merged into it.

use super::{status_words, Control};
use crate::link::{ControlPart, SlotState};
use crate::service::feed_ref::FeedRef;
use crate::service::outgoing::channel_publish_topic;
use crate::service::thingspeak::{ChannelUpdate, FIELD_COUNT};
use crate::ui::feeds_handle::FeedsHandle;
use crate::ui::link_handle::LinkHandle;
use crate::ui::page_clock::PageClock;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The form payload for `fields` (field number → value).
pub fn form_payload(fields: &BTreeMap<u8, String>) -> String {
    let mut update = ChannelUpdate::default();
    for (field, value) in fields {
        if let Some(slot) = usize::from(*field)
            .checked_sub(1)
            .and_then(|i| update.fields.get_mut(i))
        {
            *slot = Some(value.clone());
        }
    }
    update.encode_form()
}

/// The channel form card with id `id`.
#[component]
pub fn ChannelFormCard(id: u32) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let link = expect_context::<LinkHandle>();
    let clock = expect_context::<PageClock>();
    let control = Control::of(id);
    let store = feeds.store();
    let channel = Memo::new(move |_| {
        control.card.with(|c| match c.as_ref()?.feeds.first()? {
            FeedRef::ThingSpeakField { channel, .. } => Some(*channel),
            _ => None,
        })
    });
    let slot = control.slot(ControlPart::Form);
    let edits: [RwSignal<String>; FIELD_COUNT] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    // Fields sent in the update still waiting for the channel's window.
    let waiting = RwSignal::new(BTreeMap::<u8, String>::new());
    let last_value = move |field: u8| {
        let channel = channel.get()?;
        store.with(|s| {
            s.get(&FeedRef::ThingSpeakField { channel, field })?
                .latest()
                .map(|l| l.datum.value.to_string())
        })
    };
    let state = {
        let slot = slot.clone();
        move || link.read(|l| l.slot_state(&slot)).flatten()
    };
    // Once the update leaves, its fields are no longer waiting.
    {
        let state = state.clone();
        Effect::new(move |_| {
            if matches!(
                state(),
                Some(SlotState::Sent { .. }) | Some(SlotState::Refused(_))
            ) {
                waiting.set(BTreeMap::new());
            }
        });
    }
    let on_submit = {
        let slot = slot.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            let Some(channel) = channel.get_untracked() else {
                control.problem.set(Some(
                    "a channel form needs a ThingSpeak field as its feed".to_owned(),
                ));
                return;
            };
            let mut fields = waiting.get_untracked();
            for (index, edit) in edits.iter().enumerate() {
                let text = edit.get_untracked();
                if !text.trim().is_empty() {
                    fields.insert(u8::try_from(index + 1).unwrap_or(1), text.trim().to_owned());
                }
            }
            if fields.is_empty() {
                control
                    .problem
                    .set(Some("fill in at least one field".to_owned()));
                return;
            }
            let payload = form_payload(&fields);
            let topic = channel_publish_topic(channel);
            let outcome = link.publish(
                slot.clone(),
                &topic,
                payload.as_bytes(),
                crate::mqtt::QoS::AtMostOnce,
                false,
            );
            control.problem.set(outcome.clone().err());
            if outcome.is_ok() {
                waiting.set(fields);
                for edit in &edits {
                    edit.set(String::new());
                }
            }
        }
    };
    let status = Memo::new(move |_| {
        if let Some(problem) = control.problem.get() {
            return ("problem", format!("not sent: {problem}"));
        }
        status_words(state(), clock.now().get())
    });
    view! {
        <form class="control channel-form" on:submit=on_submit>
            <div class="form-grid">
                {(1..=FIELD_COUNT as u8).map(|field| {
                    let input_id = format!("card-{id}-field{field}");
                    let edit = edits[usize::from(field) - 1];
                    view! {
                        <label for=input_id.clone()>{format!("Field {field}")}</label>
                        <input id=input_id type="text" bind:value=edit
                            placeholder=move || last_value(field).unwrap_or_default() />
                    }
                }).collect_view()}
            </div>
            <div class="form-actions">
                <button type="submit" class="primary">"Send update"</button>
            </div>
            <p class="card-meta">{move || channel.get().map(|c| view! { <span>"one update to "<code>{channel_publish_topic(c)}</code></span> })}</p>
            {move || (!waiting.with(BTreeMap::is_empty)).then(|| view! {
                <p class="card-meta form-waiting">{move || format!("waiting: {}", form_payload(&waiting.get()))}</p>
            })}
            <p class="control-status" role="status" data-state=move || status.get().0
                class:error=move || matches!(status.get().0, "problem" | "refused")>
                {move || status.get().1}
            </p>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_fields_make_one_form_update() {
        let mut fields = BTreeMap::new();
        fields.insert(2, "60".to_owned());
        fields.insert(1, "45 & more".to_owned());
        assert_eq!(form_payload(&fields), "field1=45+%26+more&field2=60");
        fields.insert(9, "ignored".to_owned());
        assert_eq!(form_payload(&fields), "field1=45+%26+more&field2=60");
    }
}
