//! The connection form: broker URL, client ID, credentials, connect and disconnect.

use super::mqtt_handle::{ConnectionSettings, LinkStatus, MqttHandle};
use super::page_clock::PageClock;
use crate::service::descriptor::{CredentialRole, ServiceDescriptor};
use crate::service::ServiceKind;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// The services offered in the form, in order, with their option values.
const SERVICES: [(&str, ServiceKind); 3] = [
    ("generic", ServiceKind::Generic),
    ("adafruit-io", ServiceKind::AdafruitIo),
    ("thingspeak", ServiceKind::ThingSpeak),
];

fn service_value(kind: ServiceKind) -> &'static str {
    SERVICES
        .iter()
        .find(|(_, k)| *k == kind)
        .map_or("generic", |(value, _)| value)
}

fn service_of(value: &str) -> ServiceKind {
    SERVICES
        .iter()
        .find(|(v, _)| *v == value)
        .map_or(ServiceKind::Generic, |(_, kind)| *kind)
}

/// The service's own name for a credential, falling back to a plain one.
fn credential_label(kind: ServiceKind, role: CredentialRole) -> &'static str {
    ServiceDescriptor::of(kind)
        .credentials
        .iter()
        .find(|field| field.role == role)
        .map(|field| field.label)
        .unwrap_or(match role {
            CredentialRole::ClientId => "Client ID",
            CredentialRole::Username => "Username",
            CredentialRole::Password => "Password",
        })
}

/// The connection form. `initial` fills the fields on first show.
#[component]
pub fn ConnectionPanel(initial: ConnectionSettings) -> impl IntoView {
    let mqtt = expect_context::<MqttHandle>();
    let status = mqtt.status();
    let service = RwSignal::new(service_value(initial.service).to_owned());
    let kind = move || service_of(&service.get());
    let url = RwSignal::new(initial.url);
    let client_id = RwSignal::new(initial.client_id);
    let username = RwSignal::new(initial.username);
    let password = RwSignal::new(initial.password);
    let active = move || {
        matches!(
            status.get(),
            LinkStatus::Connected | LinkStatus::Connecting | LinkStatus::Reconnecting { .. }
        )
    };

    let clock = expect_context::<PageClock>().now();

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if active() {
            mqtt.disconnect();
        } else {
            mqtt.connect(&ConnectionSettings {
                service: service_of(&service.get_untracked()),
                url: url.get_untracked(),
                client_id: client_id.get_untracked(),
                username: username.get_untracked(),
                password: password.get_untracked(),
            });
        }
    };

    view! {
        <section class="panel" aria-labelledby="connection-heading">
            <h2 id="connection-heading">"Connection"</h2>
            <form class="form-grid" on:submit=on_submit>
                <label for="service">"Service"</label>
                <select id="service" prop:disabled=active prop:value=move || service.get()
                    on:change=move |event| {
                        let value = event_target_value(&event);
                        url.set(ServiceDescriptor::of(service_of(&value)).default_url.to_owned());
                        service.set(value);
                    }>
                    {SERVICES
                        .iter()
                        .map(|(value, kind)| view! {
                            <option value=*value>{ServiceDescriptor::of(*kind).name}</option>
                        })
                        .collect_view()}
                </select>
                <label for="broker-url">"Broker URL"</label>
                <input id="broker-url" type="text" inputmode="url" spellcheck="false"
                    placeholder="wss://io.adafruit.com:443/mqtt" bind:value=url
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
                <div class="form-actions">
                    <button id="connect-button" type="submit" class="primary">
                        {move || if active() { "Disconnect" } else { "Connect" }}
                    </button>
                </div>
            </form>
            <p class="hint">"The password stays in this page's memory and is never saved."</p>
                        {move || match status.get() {
                LinkStatus::Failed(reason) => Some(view! {
                    <p id="connection-error" class="error" role="alert">{reason}</p>
                }.into_any()),
                LinkStatus::Reconnecting { reason, retry_at_ms } => Some(view! {
                    <div class="error" role="alert">
                        <p id="connection-error">{reason}</p>
                        <p id="reconnect-countdown">
                            {move || countdown_text(retry_at_ms, clock.get())}
                            " "
                            <button type="button" id="reconnect-now" class="link-button"
                                on:click=move |_| mqtt.reconnect_now()>
                                "Reconnect now"
                            </button>
                        </p>
                    </div>
                }.into_any()),
                _ => None,
            }}
        </section>
    }
}

/// "Trying again in 8 s" while waiting, "Trying again now…" once due.
fn countdown_text(retry_at_ms: f64, now_ms: f64) -> String {
    let seconds = ((retry_at_ms - now_ms) / 1000.0).ceil();
    if seconds >= 1.0 {
        format!("Trying again in {seconds:.0} s.")
    } else {
        "Trying again now…".to_owned()
    }
}
