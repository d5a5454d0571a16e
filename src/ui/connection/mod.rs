//! The connection form: service, broker URL, credentials, plan; connect and disconnect; the
//! saved connections above it and the connection's trouble below it.

mod form;
mod kept_data;
mod saved;
mod status_line;

use crate::history::request::api_address;
use crate::link::LinkStatus;
use crate::profile::name_for_service;
use crate::service::descriptor::{CredentialRole, ServiceDescriptor};
use crate::service::ServiceKind;
use crate::ui::keyed_list::{keyed_list, KeyedRow};
use crate::ui::link_handle::LinkHandle;
use crate::ui::profiles_handle::ProfilesHandle;
use crate::ui::when::When;
use form::{credential_label, parse_channels, service_of, Form, CUSTOM_PLAN};
use kept_data::KeptData;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use saved::SavedConnections;
use status_line::ConnectionStatusLine;

/// A fresh client ID, so two tabs never knock each other off the broker.
pub fn random_client_id() -> String {
    crate::platform::random::random_id("feedboard-")
}

/// The connection form, filled from the profile in use.
#[component]
pub fn ConnectionPanel() -> impl IntoView {
    let mqtt = expect_context::<LinkHandle>();
    let profiles = expect_context::<ProfilesHandle>();
    let status = mqtt.status();
    let form = Form::new();
    let current = profiles.current();
    form.load(&current.get_untracked());
    // Refill when another profile comes into use (not when its dashboard changes, and not on
    // the effect's first run, which would undo what was typed since the page appeared).
    let current_id = Memo::new(move |_| current.with(|p| p.id.clone()));
    Effect::new(move |previous: Option<String>| {
        let id = current_id.get();
        if previous.is_some_and(|previous| previous != id) {
            form.load(&current.get_untracked());
        }
        id
    });
    let Form {
        name,
        service,
        url,
        client_id,
        username,
        password,
        remember,
        plan,
        custom_rate,
        margin,
        persistent,
        channels,
        history_api,
        read_keys: _,
    } = form;
    let kind = move || service_of(&service.get());
    let plans = move || ServiceDescriptor::of(kind()).plans;
    let limited = move || plans().iter().any(|p| p.publish_limit.is_some());
    let active = move || status.with(LinkStatus::is_active);
    let keeps_history = move || ServiceDescriptor::of(kind()).history.is_some();
    // What an empty address field stands for, given the service and broker URL.
    let worked_out_api = move || {
        let service = ServiceDescriptor::of(kind());
        service
            .history
            .map(|api| api_address(&api, service.default_url, "", &url.get()))
            .unwrap_or_default()
    };
    let listed_channels = Memo::new(move |_| parse_channels(&channels.get()));

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if active() {
            mqtt.disconnect();
        } else {
            profiles.connect(&form.settings(), &form.details());
        }
    };

    view! {
        <section class="panel" aria-labelledby="connection-heading">
            <h2 id="connection-heading">"Connection"</h2>
            <SavedConnections />
            <form class="form-grid" on:submit=on_submit>
                <label for="profile-name">"Name"</label>
                <input id="profile-name" type="text" placeholder="made from the connection"
                    bind:value=name prop:disabled=active />
                <label for="service">"Service"</label>
                <select id="service" prop:disabled=active prop:value=move || service.get()
                    on:change=move |event| {
                        let value = event_target_value(&event);
                        let kind = service_of(&value);
                        let descriptor = ServiceDescriptor::of(kind);
                        if let Some(renamed) = name_for_service(&name.get_untracked(), kind) {
                            name.set(renamed.to_owned());
                        }
                        url.set(descriptor.default_url.to_owned());
                        plan.set(descriptor.plans.first().map(|p| p.id.to_owned()).unwrap_or_default());
                        service.set(value);
                    }>
                    {ServiceKind::ALL
                        .iter()
                        .map(|(kind, value)| view! {
                            <option value=*value>{ServiceDescriptor::of(*kind).name}</option>
                        })
                        .collect_view()}
                </select>
                <label for="broker-url">"Broker URL"</label>
                <input id="broker-url" type="text" inputmode="url" spellcheck="false"
                    placeholder=move || format!("e.g. {}", ServiceDescriptor::of(kind()).default_url) bind:value=url
                    prop:disabled=active />
                <label for="client-id">{move || credential_label(kind(), CredentialRole::ClientId)}</label>
                <input id="client-id" type="text" spellcheck="false"
                    placeholder="empty: the broker picks one" bind:value=client_id
                    prop:disabled=active />
                <label for="username">{move || credential_label(kind(), CredentialRole::Username)}</label>
                <input id="username" type="text" autocomplete="off" spellcheck="false"
                    bind:value=username prop:disabled=active />
                <label for="password">{move || credential_label(kind(), CredentialRole::Password)}</label>
                <input id="password" type="password" autocomplete="off"
                    bind:value=password prop:disabled=active />
                <div class="form-check">
                    <input id="remember-secret" type="checkbox" prop:disabled=active
                        prop:checked=move || remember.get()
                        on:change=move |event| remember.set(event_target_checked(&event)) />
                    <label for="remember-secret">"Remember the password or key on this device"</label>
                </div>
                <When when=move || remember.get()>
                    <p class="warning form-note" id="remember-warning" role="note">
                        {move || match kind() {
                            ServiceKind::AdafruitIo => "An AIO key works like your account password: anyone using this browser can read it from its storage. Only tick this on your own device.",
                            _ => "Anyone using this browser can read a remembered password from its storage. Only tick this on your own device.",
                        }}
                    </p>
                </When>
                <When when=move || kind() == ServiceKind::ThingSpeak>
                    <label for="channels">"Channel IDs"</label>
                    <input id="channels" type="text" inputmode="numeric" placeholder="1000, 1001"
                        bind:value=channels prop:disabled=active />
                    {keyed_list(move || listed_channels.get().into_iter().map(|channel| {
                        KeyedRow::new(channel.to_string(), move || view! {
                            <label for=format!("read-key-{channel}")>{format!("Read API key, channel {channel}")}</label>
                            <input id=format!("read-key-{channel}") type="password" autocomplete="off"
                                spellcheck="false" placeholder="only for a private channel"
                                prop:value=move || form.read_key(channel) prop:disabled=active
                                on:input=move |event| form.set_read_key(channel, event_target_value(&event)) />
                        })
                    }).collect())}
                </When>
                <When when=keeps_history>
                    <label for="history-api">"HTTP API address"</label>
                    <input id="history-api" type="text" inputmode="url" spellcheck="false"
                        placeholder=worked_out_api bind:value=history_api prop:disabled=active
                        aria-describedby="history-api-hint" />
                    <p class="hint form-note" id="history-api-hint">
                        "Charts open with the feed's history from here; empty uses "
                        {worked_out_api}
                    </p>
                </When>
                <When when=limited>
                    <label for="plan">"Plan"</label>
                    <select id="plan" prop:disabled=active prop:value=move || plan.get()
                        on:change=move |event| plan.set(event_target_value(&event))>
                        {move || plans().iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
                        <When when=move || kind() == ServiceKind::AdafruitIo>
                            <option value=CUSTOM_PLAN>"Custom (Boost)"</option>
                        </When>
                    </select>
                    <When when=move || plan.get() == CUSTOM_PLAN>
                        <label for="custom-rate">"Data points a minute"</label>
                        <input id="custom-rate" type="number" min="1" step="1" prop:disabled=active
                            bind:value=custom_rate />
                    </When>
                    <label for="margin">"Safety margin (%)"</label>
                    <input id="margin" type="number" min="0" max="50" step="1" prop:disabled=active
                        bind:value=margin />
                </When>
                <When when=move || kind() == ServiceKind::Generic>
                    <div class="form-check">
                        <input id="persistent-session" type="checkbox" prop:disabled=active
                            prop:checked=move || persistent.get()
                            on:change=move |event| persistent.set(event_target_checked(&event)) />
                        <label for="persistent-session">"Keep my session while I am away (the broker queues QoS 1 and 2 messages for this client ID)"</label>
                    </div>
                </When>
                <div class="form-actions">
                    <button id="connect-button" type="submit" class="primary">
                        {move || if active() { "Disconnect" } else { "Connect" }}
                    </button>
                </div>
            </form>
            <p class="hint">"Connections are saved in this browser as you use them. Passwords and keys stay in this page's memory unless you tick \"Remember\"; they are never put in a URL, a log or an export."</p>
            {move || profiles.problem().get().map(|message| view! {
                <p class="error" role="alert" id="profiles-problem">{message}</p>
            })}
            <ConnectionStatusLine />
            <KeptData />
        </section>
    }
}
