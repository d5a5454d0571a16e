//! The frame every card shares: a titled region with a settings toggle, the watcher's notes,
//! and the body for the card's kind.

use super::card_settings::CardSettings;
use super::card_signal;
use super::chart_card::ChartCard;
use super::controls::button::ButtonCard;
use super::controls::channel_form::ChannelFormCard;
use super::controls::colour::ColourCard;
use super::controls::slider::SliderCard;
use super::controls::text_input::InputCard;
use super::controls::toggle::ToggleCard;
use super::gauge_card::GaugeCard;
use super::history_note::HistoryNote;
use super::location_card::LocationCard;
use super::number_card::NumberCard;
use super::text_card::TextCard;
use super::watch_notes::WatchNotes;
use crate::dashboard::card::CardKind;
use crate::ui::profiles_handle::ProfilesHandle;
use crate::ui::when::When;
use leptos::prelude::*;

/// One card of the dashboard, by id.
#[component]
pub fn DashboardCard(id: u32) -> impl IntoView {
    let profiles = expect_context::<ProfilesHandle>();
    let card = card_signal(id);
    let kind = Memo::new(move |_| card.with(|c| c.as_ref().map(|c| c.kind)));
    let title = Memo::new(move |_| {
        card.with(|c| c.as_ref().map(|c| c.display_title()).unwrap_or_default())
    });
    let feed_ids = Memo::new(move |_| {
        card.with(|c| {
            c.as_ref()
                .map(|c| c.feeds.iter().map(|f| f.id()).collect::<Vec<_>>().join(" "))
                .unwrap_or_default()
        })
    });
    let settings_open = RwSignal::new(false);
    let size = Memo::new(move |_| card.with(|c| c.as_ref().map(|c| c.size).unwrap_or_default()));
    let drop_target = RwSignal::new(false);
    // Dragging a card by its header onto another puts it in that card's place.
    let on_drop = move |event: leptos::ev::DragEvent| {
        event.prevent_default();
        drop_target.set(false);
        let dragged = event
            .data_transfer()
            .and_then(|data| data.get_data("text/plain").ok())
            .and_then(|text| {
                text.strip_prefix("feedboard-card:")
                    .and_then(|id| id.parse::<u32>().ok())
            });
        if let Some(dragged) = dragged.filter(|d| *d != id) {
            profiles.edit_dashboard(|board| {
                if let Some(to) = board.position(id) {
                    board.move_card(dragged, to);
                }
            });
        }
    };
    let heading_id = format!("card-{id}-title");
    let settings_id = format!("card-{id}-settings");

    view! {
        <article
            class="card"
            class:size-wide=move || size.get().is_wide()
            class:size-tall=move || size.get().is_tall()
            class:drop-target=move || drop_target.get()
            on:dragover=move |event: leptos::ev::DragEvent| { event.prevent_default(); drop_target.set(true); }
            on:dragleave=move |_| drop_target.set(false)
            on:drop=on_drop
            aria-labelledby=heading_id.clone()
            data-card-id=id.to_string()
            data-card-kind=move || kind.get().map(CardKind::id).unwrap_or_default()
            data-feeds=move || feed_ids.get()
        >
            <header class="card-header" draggable="true" title="Drag to move the card"
                on:dragstart=move |event: leptos::ev::DragEvent| {
                    if let Some(data) = event.data_transfer() {
                        let _ = data.set_data("text/plain", &format!("feedboard-card:{id}"));
                        data.set_effect_allowed("move");
                    }
                }>
                <h3 id=heading_id.clone() class="card-title" title=move || title.get()>{move || title.get()}</h3>
                <button
                    type="button"
                    class="icon-button"
                    aria-expanded=move || settings_open.get().to_string()
                    aria-controls=settings_id.clone()
                    aria-label=move || format!("Settings of {}", title.get())
                    on:click=move |_| settings_open.update(|open| *open = !*open)
                >
                    "⚙"
                </button>
            </header>
            <WatchNotes id=id />
            <HistoryNote id=id />
            <When when=move || settings_open.get()>
                <CardSettings id=id element_id=format!("card-{id}-settings") on_close=Callback::new(move |()| settings_open.set(false)) />
            </When>
            {move || match kind.get() {
                Some(CardKind::Chart) => view! { <ChartCard id=id /> }.into_any(),
                Some(CardKind::Number) => view! { <NumberCard id=id /> }.into_any(),
                Some(CardKind::Gauge) => view! { <GaugeCard id=id /> }.into_any(),
                Some(CardKind::Text) => view! { <TextCard id=id /> }.into_any(),
                Some(CardKind::Location) => view! { <LocationCard id=id /> }.into_any(),
                Some(CardKind::Toggle) => view! { <ToggleCard id=id /> }.into_any(),
                Some(CardKind::Button) => view! { <ButtonCard id=id /> }.into_any(),
                Some(CardKind::Slider) => view! { <SliderCard id=id /> }.into_any(),
                Some(CardKind::NumberInput | CardKind::TextInput) => view! { <InputCard id=id /> }.into_any(),
                Some(CardKind::Colour) => view! { <ColourCard id=id /> }.into_any(),
                Some(CardKind::ChannelForm) => view! { <ChannelFormCard id=id /> }.into_any(),
                None => ().into_any(),
            }}
        </article>
    }
}
