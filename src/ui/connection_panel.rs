//! The connection form: broker URL, client ID, credentials, connect and disconnect.

use super::mqtt_handle::{ConnectionSettings, LinkStatus, MqttHandle};
use super::page_clock::PageClock;
use crate::budget::budgets::{BudgetSettings, PlanChoice, DEFAULT_MARGIN};
use crate::service::descriptor::{CredentialRole, RateLimit, ServiceDescriptor};
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
    let plan = RwSignal::new(match &initial.budget.plan {
        PlanChoice::Named(id) => id.clone(),
        PlanChoice::Custom(_) => CUSTOM_PLAN.to_owned(),
    });
    let custom_rate = RwSignal::new(match &initial.budget.plan {
        PlanChoice::Custom(limit) => limit.count.to_string(),
        PlanChoice::Named(_) => String::new(),
    });
    let margin = RwSignal::new(format!("{:.0}", initial.budget.margin * 100.0));
    let persistent = RwSignal::new(!initial.clean_session);
    let plans = move || ServiceDescriptor::of(kind()).plans;
    let limited = move || plans().iter().any(|p| p.publish_limit.is_some());
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
                budget: budget_settings(
                    service_of(&service.get_untracked()),
                    &plan.get_untracked(),
                    &custom_rate.get_untracked(),
                    &margin.get_untracked(),
                ),
                clean_session: !persistent.get_untracked(),
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
                        let descriptor = ServiceDescriptor::of(service_of(&value));
                        url.set(descriptor.default_url.to_owned());
                        plan.set(descriptor.plans.first().map(|p| p.id.to_owned()).unwrap_or_default());
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
                <Show when=limited>
                    <label for="plan">"Plan"</label>
                    <select id="plan" prop:disabled=active prop:value=move || plan.get()
                        on:change=move |event| plan.set(event_target_value(&event))>
                        {move || plans().iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
                        <Show when=move || kind() == ServiceKind::AdafruitIo>
                            <option value=CUSTOM_PLAN>"Custom (Boost)"</option>
                        </Show>
                    </select>
                    <Show when=move || plan.get() == CUSTOM_PLAN>
                        <label for="custom-rate">"Data points a minute"</label>
                        <input id="custom-rate" type="number" min="1" step="1" prop:disabled=active
                            bind:value=custom_rate />
                    </Show>
                    <label for="margin">"Safety margin (%)"</label>
                    <input id="margin" type="number" min="0" max="50" step="1" prop:disabled=active
                        bind:value=margin />
                </Show>
                <Show when=move || kind() == ServiceKind::Generic>
                    <div class="form-check">
                        <input id="persistent-session" type="checkbox" prop:disabled=active
                            prop:checked=move || persistent.get()
                            on:change=move |event| persistent.set(event_target_checked(&event)) />
                        <label for="persistent-session">"Keep my session while I am away (the broker queues QoS 1 and 2 messages for this client ID)"</label>
                    </div>
                </Show>
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

/// The plan select's value for a rate of the user's own.
const CUSTOM_PLAN: &str = "custom";

/// The budget settings from the form: the plan (a custom rate must be a whole number above
/// zero, else the service's default plan applies) and the margin in percent (0–50).
fn budget_settings(
    kind: ServiceKind,
    plan: &str,
    custom_rate: &str,
    margin: &str,
) -> BudgetSettings {
    let margin = margin
        .trim()
        .parse::<f64>()
        .map_or(DEFAULT_MARGIN, |m| m.clamp(0.0, 50.0) / 100.0);
    let custom = custom_rate
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|rate| *rate > 0);
    let plan = match (plan, custom) {
        (CUSTOM_PLAN, Some(rate)) if kind == ServiceKind::AdafruitIo => {
            PlanChoice::Custom(RateLimit::per_minute(rate))
        }
        (CUSTOM_PLAN, _) => PlanChoice::Named(String::new()),
        (id, _) => PlanChoice::Named(id.to_owned()),
    };
    BudgetSettings { plan, margin }
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
