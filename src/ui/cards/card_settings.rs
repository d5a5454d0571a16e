//! A card's settings, edited in place: how it shows its feeds, its title and unit, a gauge's
//! range, how often its feeds update, more feeds on a chart, or removing it. Changes apply as they are made.

use super::control_settings::ControlFields;
use super::{CardEditor, TextSetting};
use crate::dashboard::card::{Card, CardKind, CardSize, GaugeEnd};
use crate::service::feed_ref::FeedRef;
use crate::ui::feeds_handle::FeedsHandle;
use crate::ui::profiles_handle::ProfilesHandle;
use crate::ui::when::When;
use leptos::prelude::*;

/// The settings of card `id`; `element_id` names the region for the toggle's aria-controls.
#[component]
pub fn CardSettings(id: u32, element_id: String, on_close: Callback<()>) -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let profiles = expect_context::<ProfilesHandle>();
    let editor = CardEditor::of(id);
    let card = editor.card;
    let store = feeds.store();
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
    let set_gauge_end = move |end: GaugeEnd, typed: String| {
        editor.edit(move |card: &mut Card| card.set_gauge_end(end, &typed));
    };

    view! {
        <div class="card-settings" id=element_id role="group" aria-label="Card settings">
            <div class="form-grid">
                <label for=editor.field("kind")>"Show as"</label>
                <select id=editor.field("kind")
                    prop:value=move || card.with(|c| c.as_ref().map(|c| c.kind.id()).unwrap_or_default())
                    on:change=move |event| {
                        if let Some(kind) = CardKind::from_id(&event_target_value(&event)) {
                            editor.edit(move |card: &mut Card| card.kind = kind);
                        }
                    }>
                    {CardKind::ALL.iter().map(|(_, id, label)| view! { <option value=*id>{*label}</option> }).collect_view()}
                </select>
                <TextSetting editor=editor name="title" label="Title" placeholder="the feed's name"
                    read=|c| c.title.clone() write=|c, v| c.title = v />
                <TextSetting editor=editor name="unit" label="Unit" placeholder="°C, %, hPa…" max_length=16
                    read=|c| c.unit.clone() write=|c, v| c.unit = v />
                <When when=move || editor.is(CardKind::Gauge)>
                    <label for=editor.field("min")>"Gauge minimum"</label>
                    <input id=editor.field("min") type="number" step="any" placeholder="automatic"
                        prop:value=editor.read(|c| c.gauge_ends[0].map(|v| v.to_string()).unwrap_or_default())
                        on:change=move |event| set_gauge_end(GaugeEnd::Low, event_target_value(&event)) />
                    <label for=editor.field("max")>"Gauge maximum"</label>
                    <input id=editor.field("max") type="number" step="any" placeholder="automatic"
                        prop:value=editor.read(|c| c.gauge_ends[1].map(|v| v.to_string()).unwrap_or_default())
                        on:change=move |event| set_gauge_end(GaugeEnd::High, event_target_value(&event)) />
                </When>
                <ControlFields id=id />
                <When when=move || !card.with(|c| c.as_ref().is_some_and(|c| c.kind.is_control()))>
                    <TextSetting editor=editor name="expect-every" label="Updates every (s)"
                        placeholder="learned from the feed"
                        read=|c| c.expect_every_s.map(|s| s.to_string()).unwrap_or_default()
                        write=|c, v| c.set_expected_interval(&v) />
                </When>
                <When when=move || editor.is(CardKind::Chart) && !addable.with(Vec::is_empty)>
                    <label for=editor.field("add-feed")>"Add a feed"</label>
                    <div class="row-split">
                        <select id=editor.field("add-feed") prop:value=move || chosen.get() on:change=move |event| chosen.set(event_target_value(&event))>
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
                </When>
            </div>
            <div class="form-grid">
                <label for=editor.field("size")>"Size"</label>
                <select id=editor.field("size")
                    prop:value=move || card.with(|c| c.as_ref().map(|c| c.size.id()).unwrap_or_default())
                    on:change=move |event| {
                        if let Some(size) = CardSize::from_id(&event_target_value(&event)) {
                            editor.edit(move |card: &mut Card| card.size = size);
                        }
                    }>
                    {CardSize::ALL.iter().map(|(_, id, label)| view! { <option value=*id>{*label}</option> }).collect_view()}
                </select>
                <span class="label-like" id=editor.field("move-label")>"Place"</span>
                <div class="row-split" role="group" aria-labelledby=editor.field("move-label")>
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
