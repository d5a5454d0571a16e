//! The settings only controls have: the feed they publish to, what they send, their QoS.

use super::{CardEditor, TextSetting};
use crate::dashboard::card::{Card, CardKind, RangePart};
use crate::service::outgoing::{parse_feed, publish_topic, typed_name};
use crate::ui::link_handle::LinkHandle;
use crate::ui::when::When;
use leptos::prelude::*;

/// A control card's own fields (nothing for other kinds), inside its settings' form grid.
#[component]
pub fn ControlFields(id: u32) -> impl IntoView {
    let link = expect_context::<LinkHandle>();
    let editor = CardEditor::of(id);
    let card = editor.card;
    let is_control = move || card.with(|c| c.as_ref().is_some_and(|c| c.kind.is_control()));
    let problem = RwSignal::new(None::<String>);
    // A control pointed at another feed: publishing there may go (a refusal of the old topic
    // is behind the user now).
    let retarget = move |text: String| {
        let behaviour = link.behaviour();
        let username = behaviour.username.clone().unwrap_or_default();
        match parse_feed(behaviour.descriptor.kind, &username, &text) {
            Ok(feed) => {
                let old = card.with_untracked(|c| {
                    c.as_ref().and_then(|c| c.feeds.first().map(publish_topic))
                });
                if let Some(old) = old {
                    link.unblock(&old);
                }
                link.unblock(&publish_topic(&feed));
                problem.set(None);
                editor.edit(move |card: &mut Card| card.feeds = vec![feed]);
            }
            Err(reason) => problem.set(Some(reason)),
        }
    };
    let set_range = move |part: RangePart, typed: String| {
        editor.edit(move |card: &mut Card| card.set_range(part, &typed));
    };
    view! {
                <When when=move || is_control()>
                    <label for=editor.field("feed")>"Feed"</label>
                    <input id=editor.field("feed") type="text" spellcheck="false"
                        prop:value=editor.read(|c| c.feeds.first().map(typed_name).unwrap_or_default())
                        on:change=move |event| retarget(event_target_value(&event)) />
                </When>
                <When when=move || editor.is(CardKind::Toggle)>
                    <TextSetting editor=editor name="on" label="On value"
                        read=|c| c.control.on_value.clone() write=|c, v| c.control.on_value = v />
                    <TextSetting editor=editor name="off" label="Off value"
                        read=|c| c.control.off_value.clone() write=|c, v| c.control.off_value = v />
                </When>
                <When when=move || editor.is(CardKind::Button)>
                    <TextSetting editor=editor name="press" label="Value when pressed"
                        read=|c| c.control.press_value.clone() write=|c, v| c.control.press_value = v />
                    <TextSetting editor=editor name="release" label="Value when let go" placeholder="nothing"
                        read=|c| c.control.release_value.clone() write=|c, v| c.control.release_value = v />
                </When>
                <When when=move || editor.is(CardKind::Slider)>
                    <label for=editor.field("range-min")>"Minimum"</label>
                    <input id=editor.field("range-min") type="number" step="any" prop:value=editor.read(|c| c.control.min.to_string())
                        on:change=move |event| set_range(RangePart::Min, event_target_value(&event)) />
                    <label for=editor.field("range-max")>"Maximum"</label>
                    <input id=editor.field("range-max") type="number" step="any" prop:value=editor.read(|c| c.control.max.to_string())
                        on:change=move |event| set_range(RangePart::Max, event_target_value(&event)) />
                    <label for=editor.field("range-step")>"Step"</label>
                    <input id=editor.field("range-step") type="number" step="any" min="0" prop:value=editor.read(|c| c.control.step.to_string())
                        on:change=move |event| set_range(RangePart::Step, event_target_value(&event)) />
                </When>
                <When when=move || is_control() && !editor.is(CardKind::ChannelForm)>
                    <label for=editor.field("qos")>"QoS"</label>
                    <select id=editor.field("qos") prop:value=editor.read(|c| c.control.qos.to_string())
                        on:change=move |event| {
                            let level = event_target_value(&event).parse::<u8>().unwrap_or(0).min(2);
                            editor.edit(move |c: &mut Card| c.control.qos = level);
                        }>
                        <option value="0">"0 · at most once"</option>
                        <option value="1">"1 · at least once"</option>
                        <option value="2">"2 · exactly once"</option>
                    </select>
                </When>
        {move || problem.get().map(|message| view! {
            <p class="error form-note" role="alert">{message}</p>
        })}
    }
}
