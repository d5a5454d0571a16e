//! The dashboard: the cards, in order, in a grid that reflows from phone to wide screen.

use super::cards::card_frame::DashboardCard;
use super::dashboard_tabs::DashboardTabs;
use super::feeds_handle::FeedsHandle;
use super::keyed_list::{keyed_list, KeyedRow};
use super::link_handle::LinkHandle;
use crate::dashboard::card::CardKind;
use crate::link::LinkStatus;
use crate::service::outgoing::{parse_feed, subscribe_topic, typed_name};
use crate::service::ServiceKind;
use crate::ui::profiles_handle::ProfilesHandle;
use crate::ui::when::When;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// The dashboard region.
#[component]
pub fn DashboardView() -> impl IntoView {
    let profiles = expect_context::<ProfilesHandle>();
    let dashboard = profiles.dashboard();
    let ids = Memo::new(move |_| {
        dashboard.with(|board| board.cards().iter().map(|c| c.id).collect::<Vec<_>>())
    });

    view! {
        <section class="dashboard" aria-labelledby="dashboard-heading">
            <div class="panel-title">
                <h2 id="dashboard-heading">"Dashboard"</h2>
                <span class="counter">{move || match ids.with(Vec::len) {
                    1 => "1 card".to_owned(),
                    n => format!("{n} cards"),
                }}</span>
            </div>
            <DashboardTabs />
            <AddCardForm />
            <div class="card-grid">
                {keyed_list(move || ids.get().into_iter().map(|id| {
                    KeyedRow::new(id.to_string(), move || view! { <DashboardCard id=id /> })
                }).collect())}
            </div>
            <When when=move || ids.with(Vec::is_empty)>
                <p class="empty dashboard-empty">
                    "Cards appear here as feeds arrive: connect, then subscribe to a topic filter such as "
                    <code>"sensors/#"</code>
                    ". Every feed is also listed under Feeds, where you can give it a card."
                </p>
            </When>
        </section>
    }
}

/// A card for any feed, also one that has sent nothing yet (a control for a new feed).
#[component]
fn AddCardForm() -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let profiles = expect_context::<ProfilesHandle>();
    let mqtt = expect_context::<LinkHandle>();
    let store = feeds.store();
    let kind = RwSignal::new(CardKind::Chart.id().to_owned());
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    // The feed names offered while typing, read when the field is used: kept up to date with
    // the store, they cost a name per feed on every frame with data.
    let known = RwSignal::new(Vec::<String>::new());
    let read_known = move || {
        known.set(store.with_untracked(|s| s.feeds().map(|(f, _)| typed_name(f)).collect()));
    };
    let placeholder = move || match mqtt.behaviour().descriptor.kind {
        ServiceKind::AdafruitIo => "feed key, e.g. lamp",
        ServiceKind::ThingSpeak => "channel/field, e.g. 1000/2",
        ServiceKind::Generic => "topic, e.g. home/lamp/set",
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let behaviour = mqtt.behaviour();
        let username = behaviour.username.clone().unwrap_or_default();
        let Some(kind) = CardKind::from_id(&kind.get_untracked()) else {
            return;
        };
        match parse_feed(behaviour.descriptor.kind, &username, &typed.get_untracked()) {
            Ok(feed) => {
                // A control shows its feed's state: follow the feed if nothing does yet (and
                // the service lets this user read it).
                let connected = mqtt.status().get_untracked() == LinkStatus::Connected;
                if kind.is_control() && connected && behaviour.may_follow(&feed) {
                    profiles.follow(&subscribe_topic(&feed));
                }
                profiles.edit_dashboard(|board| board.add_card(kind, vec![feed]));
                typed.set(String::new());
                problem.set(None);
            }
            Err(reason) => problem.set(Some(reason)),
        }
    };
    view! {
        <form class="add-card" on:submit=on_submit>
            <label for="add-card-kind">"New card"</label>
            <select id="add-card-kind" prop:value=move || kind.get() on:change=move |event| kind.set(event_target_value(&event))>
                {CardKind::ALL.iter().map(|(_, id, label)| view! { <option value=*id>{*label}</option> }).collect_view()}
            </select>
            <label for="add-card-feed">"for feed"</label>
            <input id="add-card-feed" type="text" list="known-feeds" spellcheck="false"
                placeholder=placeholder bind:value=typed on:focus=move |_| read_known() />
            <datalist id="known-feeds">
                {move || known.get().into_iter().map(|name| view! { <option value=name></option> }).collect_view()}
            </datalist>
            <button type="submit">"Add card"</button>
            {move || problem.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </form>
    }
}
