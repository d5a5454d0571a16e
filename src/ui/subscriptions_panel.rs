//! Adding topic filters and seeing what the broker granted.

use super::link_handle::LinkHandle;
use super::profiles_handle::ProfilesHandle;
use crate::mqtt::{QoS, SubscriptionStatus};
use crate::ui::keyed_list::{keyed_list, KeyedRow};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// Subscribe form plus the list of subscriptions with their status.
#[component]
pub fn SubscriptionsPanel() -> impl IntoView {
    let mqtt = expect_context::<LinkHandle>();
    let filter = RwSignal::new(String::new());
    let qos_level = RwSignal::new("0".to_owned());
    let subscriptions = mqtt.subscriptions();
    let profiles = expect_context::<ProfilesHandle>();
    let problem = mqtt.problem();

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let qos = qos_level
            .get_untracked()
            .parse::<u8>()
            .ok()
            .and_then(QoS::from_level)
            .unwrap_or_default();
        if profiles.subscribe(&filter.get_untracked(), qos) {
            filter.set(String::new());
        }
    };

    view! {
        <section class="panel" aria-labelledby="subscriptions-heading">
            <h2 id="subscriptions-heading">"Subscriptions"</h2>
            <form class="form-grid" on:submit=on_submit>
                <label for="topic-filter">"Topic filter"</label>
                <input id="topic-filter" type="text" spellcheck="false"
                    placeholder="sensors/# or user/feeds/+" bind:value=filter />
                <label for="subscribe-qos">"QoS"</label>
                <div class="row-split">
                    <select id="subscribe-qos" bind:value=qos_level>
                        <option value="0">"0 · at most once"</option>
                        <option value="1">"1 · at least once"</option>
                        <option value="2">"2 · exactly once"</option>
                    </select>
                    <button id="subscribe-button" type="submit">"Subscribe"</button>
                </div>
            </form>
            {move || problem.get().map(|text| view! {
                <p id="subscribe-error" class="error" role="alert">{text}</p>
            })}
            <ul id="subscription-list" class="subscription-list">
                // A row per filter and status: a status change shows as a new row.
                {keyed_list(move || subscriptions.get().into_iter().map(|subscription| {
                    let (label, class) = status_text(subscription.status);
                    KeyedRow::new(format!("{label} {}", subscription.filter), move || {
                        let filter = subscription.filter.clone();
                        let remove_label = format!("Unsubscribe from {filter}");
                        let to_remove = filter.clone();
                        view! {
                            <li data-filter=filter.clone()>
                                <code>{filter.clone()}</code>
                                <span class=class>{label}</span>
                                <button type="button" class="link-button"
                                    aria-label=remove_label
                                    on:click=move |_| profiles.unsubscribe(&to_remove)>
                                    "Unsubscribe"
                                </button>
                            </li>
                        }
                    })
                }).collect())}
            </ul>
        </section>
    }
}

fn status_text(status: SubscriptionStatus) -> (String, &'static str) {
    match status {
        SubscriptionStatus::Pending => ("waiting for the broker".to_owned(), "tag"),
        SubscriptionStatus::Granted(qos) => (format!("active, {qos}"), "tag tag-ok"),
        SubscriptionStatus::Refused => ("refused by the broker".to_owned(), "tag tag-error"),
    }
}
