//! A card's settings, edited in place: how it shows its feeds, its title and unit, a gauge's
//! range, more feeds on a chart, or removing it. Changes apply as they are made.

use super::card_signal;
use crate::dashboard::card::{Card, CardKind, CardSize};
use crate::service::incoming::FeedRef;
use crate::service::outgoing::{parse_feed, publish_topic, typed_name};
use crate::ui::feeds_handle::FeedsHandle;
use crate::ui::link_handle::LinkHandle;
use crate::ui::profiles_handle::ProfilesHandle;
use leptos::prelude::*;

/// Which end of a control's range a field sets.
#[derive(Clone, Copy)]
enum RangePart {
    Min,
    Max,
    Step,
}

/// The settings of card `id`; `element_id` names the region for the toggle's aria-controls.
#[component]
pub fn CardSettings(id: u32, element_id: String, on_close: Callback<()>) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let profiles = expect_context::<ProfilesHandle>();
    let card = card_signal(id);
    let store = feeds.store();
    let edit = move |change: Box<dyn FnOnce(&mut Card)>| {
        profiles.edit_dashboard(|board| board.edit(id, change));
    };
    let read = move |pick: fn(&Card) -> String| {
        card.with_untracked(|c| c.as_ref().map(pick).unwrap_or_default())
    };
    let field = move |name: &str| format!("card-{id}-{name}");
    let is_kind = move |kind: CardKind| card.with(|c| c.as_ref().is_some_and(|c| c.kind == kind));
    // Feeds with numbers that this chart does not show yet.
    let addable = Memo::new(move |_| {
        let shown: Vec<FeedRef> =
            card.with(|c| c.as_ref().map(|c| c.feeds.clone()).unwrap_or_default());
        store.with(|store| {
            store
                .feeds()
                .filter(|(feed, series)| series.is_numeric() && !shown.contains(feed))
                .map(|(feed, _)| (feed.id(), feed.to_string()))
                .collect::<Vec<_>>()
        })
    });
    let chosen = RwSignal::new(String::new());
    let is_control = move || card.with(|c| c.as_ref().is_some_and(|c| c.kind.is_control()));
    let mqtt = expect_context::<LinkHandle>();
    let problem = RwSignal::new(None::<String>);
    // A control pointed at another feed: publishing there may go (a refusal of the old topic
    // is behind the user now).
    let retarget = move |text: String| {
        let behaviour = mqtt.behaviour();
        let username = behaviour.username.clone().unwrap_or_default();
        match parse_feed(behaviour.descriptor.kind, &username, &text) {
            Ok(feed) => {
                let old = card.with_untracked(|c| {
                    c.as_ref().and_then(|c| c.feeds.first().map(publish_topic))
                });
                if let Some(old) = old {
                    mqtt.unblock(&old);
                }
                mqtt.unblock(&publish_topic(&feed));
                problem.set(None);
                edit(Box::new(move |card: &mut Card| card.feeds = vec![feed]));
            }
            Err(reason) => problem.set(Some(reason)),
        }
    };
    let range_bound = move |text: String, part: RangePart| {
        let Some(value) = text.trim().parse::<f64>().ok().filter(|v| v.is_finite()) else {
            return;
        };
        edit(Box::new(move |card: &mut Card| {
            let control = &mut card.control;
            match part {
                RangePart::Min if value < control.max => control.min = value,
                RangePart::Max if value > control.min => control.max = value,
                RangePart::Step if value > 0.0 => control.step = value,
                _ => {}
            }
        }));
    };
    let gauge_bound = move |text: String, upper: bool| {
        let value = text.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        edit(Box::new(move |card: &mut Card| {
            let (low, high) = card.gauge_range.unwrap_or((f64::NAN, f64::NAN));
            let (low, high) = if upper {
                (low, value.unwrap_or(f64::NAN))
            } else {
                (value.unwrap_or(f64::NAN), high)
            };
            card.gauge_range =
                (low.is_finite() && high.is_finite() && low < high).then_some((low, high));
        }));
    };

    view! {
        <div class="card-settings" id=element_id role="group" aria-label="Card settings">
            <div class="form-grid">
                <label for=field("kind")>"Show as"</label>
                <select id=field("kind")
                    prop:value=move || card.with(|c| c.as_ref().map(|c| c.kind.id()).unwrap_or_default())
                    on:change=move |event| {
                        if let Some(kind) = CardKind::from_id(&event_target_value(&event)) {
                            edit(Box::new(move |card: &mut Card| card.kind = kind));
                        }
                    }>
                    {CardKind::ALL.iter().map(|(_, id, label)| view! { <option value=*id>{*label}</option> }).collect_view()}
                </select>
                <label for=field("title")>"Title"</label>
                <input id=field("title") type="text" prop:value=read(|c| c.title.clone())
                    placeholder="the feed's name"
                    on:input=move |event| {
                        let title = event_target_value(&event);
                        edit(Box::new(move |card: &mut Card| card.title = title));
                    } />
                <label for=field("unit")>"Unit"</label>
                <input id=field("unit") type="text" prop:value=read(|c| c.unit.clone())
                    placeholder="°C, %, hPa…" maxlength="16"
                    on:input=move |event| {
                        let unit = event_target_value(&event);
                        edit(Box::new(move |card: &mut Card| card.unit = unit));
                    } />
                <Show when=move || is_kind(CardKind::Gauge)>
                    <label for=field("min")>"Gauge minimum"</label>
                    <input id=field("min") type="number" step="any" placeholder="automatic"
                        prop:value=read(|c| c.gauge_range.map(|r| r.0.to_string()).unwrap_or_default())
                        on:change=move |event| gauge_bound(event_target_value(&event), false) />
                    <label for=field("max")>"Gauge maximum"</label>
                    <input id=field("max") type="number" step="any" placeholder="automatic"
                        prop:value=read(|c| c.gauge_range.map(|r| r.1.to_string()).unwrap_or_default())
                        on:change=move |event| gauge_bound(event_target_value(&event), true) />
                </Show>
                <Show when=move || is_control()>
                    <label for=field("feed")>"Feed"</label>
                    <input id=field("feed") type="text" spellcheck="false"
                        prop:value=read(|c| c.feeds.first().map(typed_name).unwrap_or_default())
                        on:change=move |event| retarget(event_target_value(&event)) />
                </Show>
                <Show when=move || is_kind(CardKind::Toggle)>
                    <label for=field("on")>"On value"</label>
                    <input id=field("on") type="text" prop:value=read(|c| c.control.on_value.clone())
                        on:input=move |event| { let v = event_target_value(&event); edit(Box::new(move |c: &mut Card| c.control.on_value = v)); } />
                    <label for=field("off")>"Off value"</label>
                    <input id=field("off") type="text" prop:value=read(|c| c.control.off_value.clone())
                        on:input=move |event| { let v = event_target_value(&event); edit(Box::new(move |c: &mut Card| c.control.off_value = v)); } />
                </Show>
                <Show when=move || is_kind(CardKind::Button)>
                    <label for=field("press")>"Value when pressed"</label>
                    <input id=field("press") type="text" prop:value=read(|c| c.control.press_value.clone())
                        on:input=move |event| { let v = event_target_value(&event); edit(Box::new(move |c: &mut Card| c.control.press_value = v)); } />
                    <label for=field("release")>"Value when let go"</label>
                    <input id=field("release") type="text" placeholder="nothing" prop:value=read(|c| c.control.release_value.clone())
                        on:input=move |event| { let v = event_target_value(&event); edit(Box::new(move |c: &mut Card| c.control.release_value = v)); } />
                </Show>
                <Show when=move || is_kind(CardKind::Slider)>
                    <label for=field("range-min")>"Minimum"</label>
                    <input id=field("range-min") type="number" step="any" prop:value=read(|c| c.control.min.to_string())
                        on:change=move |event| range_bound(event_target_value(&event), RangePart::Min) />
                    <label for=field("range-max")>"Maximum"</label>
                    <input id=field("range-max") type="number" step="any" prop:value=read(|c| c.control.max.to_string())
                        on:change=move |event| range_bound(event_target_value(&event), RangePart::Max) />
                    <label for=field("range-step")>"Step"</label>
                    <input id=field("range-step") type="number" step="any" min="0" prop:value=read(|c| c.control.step.to_string())
                        on:change=move |event| range_bound(event_target_value(&event), RangePart::Step) />
                </Show>
                <Show when=move || is_control() && !is_kind(CardKind::ChannelForm)>
                    <label for=field("qos")>"QoS"</label>
                    <select id=field("qos") prop:value=read(|c| c.control.qos.to_string())
                        on:change=move |event| {
                            let level = event_target_value(&event).parse::<u8>().unwrap_or(0).min(2);
                            edit(Box::new(move |c: &mut Card| c.control.qos = level));
                        }>
                        <option value="0">"0 · at most once"</option>
                        <option value="1">"1 · at least once"</option>
                        <option value="2">"2 · exactly once"</option>
                    </select>
                </Show>
                <Show when=move || is_kind(CardKind::Chart) && !addable.with(Vec::is_empty)>
                    <label for=field("add-feed")>"Add a feed"</label>
                    <div class="row-split">
                        <select id=field("add-feed") prop:value=move || chosen.get() on:change=move |event| chosen.set(event_target_value(&event))>
                            <option value="">"choose a feed…"</option>
                            {move || addable.get().into_iter().map(|(value, name)| view! {
                                <option value=value>{name}</option>
                            }).collect_view()}
                        </select>
                        <button type="button" on:click=move |_| {
                            if let Some(feed) = FeedRef::from_id(&chosen.get_untracked()) {
                                profiles.edit_dashboard(|board| board.add_feed_to(id, feed));
                                chosen.set(String::new());
                            }
                        }>"Add"</button>
                    </div>
                </Show>
            </div>
            {move || problem.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            <div class="form-grid">
                <label for=field("size")>"Size"</label>
                <select id=field("size")
                    prop:value=move || card.with(|c| c.as_ref().map(|c| c.size.id()).unwrap_or_default())
                    on:change=move |event| {
                        if let Some(size) = CardSize::from_id(&event_target_value(&event)) {
                            edit(Box::new(move |card: &mut Card| card.size = size));
                        }
                    }>
                    {CardSize::ALL.iter().map(|(_, id, label)| view! { <option value=*id>{*label}</option> }).collect_view()}
                </select>
                <span class="label-like" id=field("move-label")>"Place"</span>
                <div class="row-split" role="group" aria-labelledby=field("move-label")>
                    <button type="button" class="move-earlier"
                        prop:disabled=move || profiles.dashboard().with(|b| b.position(id) == Some(0))
                        on:click=move |_| { profiles.edit_dashboard(|board| board.shift_card(id, -1)); }>"← Earlier"</button>
                    <button type="button" class="move-later"
                        prop:disabled=move || profiles.dashboard().with(|b| b.position(id).is_some_and(|p| p + 1 >= b.cards().len()))
                        on:click=move |_| { profiles.edit_dashboard(|board| board.shift_card(id, 1)); }>"Later →"</button>
                </div>
            </div>
            <div class="card-settings-actions">
                <button type="button" class="danger"
                    on:click=move |_| { profiles.edit_dashboard(|board| board.remove_card(id)); }>
                    "Remove card"
                </button>
                <button type="button" on:click=move |_| on_close.run(())>"Done"</button>
            </div>
        </div>
    }
}
