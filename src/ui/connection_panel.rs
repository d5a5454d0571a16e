//! The connection form: broker URL, client ID, credentials, connect and disconnect.

use super::link_handle::LinkHandle;
use super::page_clock::PageClock;
use super::profiles_handle::{ProfileDetails, ProfilesHandle};
use crate::budget::budgets::{BudgetSettings, PlanChoice, DEFAULT_MARGIN};
use crate::link::{ConnectionSettings, LinkStatus};
use crate::platform::clock::wall_of;
use crate::profile::Profile;
use crate::service::descriptor::{CredentialRole, RateLimit, ServiceDescriptor};
use crate::service::ServiceKind;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

fn service_of(value: &str) -> ServiceKind {
    ServiceKind::from_id(value).unwrap_or(ServiceKind::Generic)
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

/// The form's fields.
#[derive(Clone, Copy)]
struct Form {
    name: RwSignal<String>,
    service: RwSignal<String>,
    url: RwSignal<String>,
    client_id: RwSignal<String>,
    username: RwSignal<String>,
    password: RwSignal<String>,
    remember: RwSignal<bool>,
    plan: RwSignal<String>,
    custom_rate: RwSignal<String>,
    margin: RwSignal<String>,
    persistent: RwSignal<bool>,
    channels: RwSignal<String>,
}

impl Form {
    fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            service: RwSignal::new(ServiceKind::Generic.id().to_owned()),
            url: RwSignal::new(String::new()),
            client_id: RwSignal::new(String::new()),
            username: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            remember: RwSignal::new(false),
            plan: RwSignal::new(String::new()),
            custom_rate: RwSignal::new(String::new()),
            margin: RwSignal::new(format!("{:.0}", DEFAULT_MARGIN * 100.0)),
            persistent: RwSignal::new(false),
            channels: RwSignal::new(String::new()),
        }
    }

    /// Fills the fields from `profile` (a random client ID when it has none).
    fn load(&self, profile: &Profile) {
        self.name.set(profile.name.clone());
        self.service.set(profile.service.id().to_owned());
        self.url.set(profile.url.clone());
        self.client_id.set(if profile.client_id.is_empty() {
            random_client_id()
        } else {
            profile.client_id.clone()
        });
        self.username.set(profile.username.clone());
        self.password
            .set(profile.secret.clone().unwrap_or_default());
        self.remember.set(profile.remember_secret);
        let (plan, custom) = match &profile.plan {
            // No plan chosen means the service's first (free) one: show it.
            PlanChoice::Named(id) if id.is_empty() => (
                ServiceDescriptor::of(profile.service)
                    .plans
                    .first()
                    .map(|p| p.id.to_owned())
                    .unwrap_or_default(),
                String::new(),
            ),
            PlanChoice::Named(id) => (id.clone(), String::new()),
            PlanChoice::Custom(limit) => (CUSTOM_PLAN.to_owned(), limit.count.to_string()),
        };
        self.plan.set(plan);
        self.custom_rate.set(custom);
        self.margin.set(format!("{:.0}", profile.margin * 100.0));
        self.persistent.set(!profile.clean_session);
        let channels: Vec<String> = profile.channels.iter().map(u64::to_string).collect();
        self.channels.set(channels.join(", "));
    }

    fn kind(&self) -> ServiceKind {
        service_of(&self.service.get_untracked())
    }

    fn settings(&self) -> ConnectionSettings {
        ConnectionSettings {
            service: self.kind(),
            url: self.url.get_untracked(),
            client_id: self.client_id.get_untracked(),
            username: self.username.get_untracked(),
            password: self.password.get_untracked(),
            budget: budget_settings(
                self.kind(),
                &self.plan.get_untracked(),
                &self.custom_rate.get_untracked(),
                &self.margin.get_untracked(),
            ),
            clean_session: !self.persistent.get_untracked(),
        }
    }

    fn details(&self) -> ProfileDetails {
        ProfileDetails {
            name: self.name.get_untracked(),
            remember_secret: self.remember.get_untracked(),
            channels: parse_channels(&self.channels.get_untracked()),
        }
    }
}

/// Channel ids typed as `1000, 1001` (anything not a number is left out).
fn parse_channels(text: &str) -> Vec<u64> {
    text.split([',', ' ', ';'])
        .filter_map(|part| part.trim().parse().ok())
        .collect()
}

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
    } = form;
    let kind = move || service_of(&service.get());
    let plans = move || ServiceDescriptor::of(kind()).plans;
    let limited = move || plans().iter().any(|p| p.publish_limit.is_some());
    let active = move || status.with(LinkStatus::is_active);

    let clock = expect_context::<PageClock>().now();

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
                        let descriptor = ServiceDescriptor::of(service_of(&value));
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
                    placeholder=move || ServiceDescriptor::of(kind()).default_url bind:value=url
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
                <Show when=move || remember.get()>
                    <p class="warning form-note" id="remember-warning" role="note">
                        {move || match kind() {
                            ServiceKind::AdafruitIo => "An AIO key works like your account password: anyone using this browser can read it from its storage. Only tick this on your own device.",
                            _ => "Anyone using this browser can read a remembered password from its storage. Only tick this on your own device.",
                        }}
                    </p>
                </Show>
                <Show when=move || kind() == ServiceKind::ThingSpeak>
                    <label for="channels">"Channel IDs"</label>
                    <input id="channels" type="text" inputmode="numeric" placeholder="1000, 1001"
                        bind:value=channels prop:disabled=active />
                </Show>
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
            <p class="hint">"Connections are saved in this browser as you use them. Passwords and keys stay in this page's memory unless you tick \"Remember\"; they are never put in a URL, a log or an export."</p>
            {move || profiles.problem().get().map(|message| view! {
                <p class="error" role="alert" id="profiles-problem">{message}</p>
            })}
            {move || match status.get() {
                LinkStatus::Failed(reason) => Some(view! {
                    <p id="connection-error" class="error" role="alert">{reason}</p>
                }.into_any()),
                LinkStatus::Reconnecting { reason, retry_at } => Some(view! {
                    <div class="error" role="alert">
                        <p id="connection-error">{reason}</p>
                        <p id="reconnect-countdown">
                            {move || countdown_text(wall_of(retry_at), clock.get())}
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

/// The saved connections: one click connects (or asks for the secret it needs).
#[component]
fn SavedConnections() -> impl IntoView {
    let mqtt = expect_context::<LinkHandle>();
    let profiles = expect_context::<ProfilesHandle>();
    let book = profiles.book();
    let current = profiles.current();
    let listed = Memo::new(move |_| {
        book.with(|b| {
            b.profiles
                .iter()
                .map(|p| (p.id.clone(), p.name.clone(), p.service))
                .collect::<Vec<_>>()
        })
    });
    let asking = RwSignal::new(None::<String>);
    let status = mqtt.status();
    let linked = move || status.with(LinkStatus::is_active);
    let open = move |id: String| {
        let Some(profile) = profiles.select(&id) else {
            return;
        };
        let needs_secret = profile.service != ServiceKind::Generic && profile.secret.is_none();
        if needs_secret {
            asking.set(Some(format!(
                "Enter the {} for {} to connect.",
                credential_label(profile.service, CredentialRole::Password),
                profile.name
            )));
            if let Some(field) = document().get_element_by_id("password") {
                let _ = field.unchecked_into::<web_sys::HtmlElement>().focus();
            }
            return;
        }
        asking.set(None);
        mqtt.disconnect();
        profiles.connect(
            &ProfilesHandle::settings_of(&profile),
            &ProfileDetails {
                name: profile.name.clone(),
                remember_secret: profile.remember_secret,
                channels: profile.channels.clone(),
            },
        );
    };
    view! {
        <Show when=move || !listed.with(Vec::is_empty)>
            <ul class="saved-connections" aria-label="Saved connections">
                <For each=move || listed.get() key=|(id, name, _)| (id.clone(), name.clone()) let:entry>
                    {
                        let (id, name, service) = entry;
                        let in_use = {
                            let id = id.clone();
                            Memo::new(move |_| current.with(|p| p.id == id))
                        };
                        let (to_open, to_forget) = (id.clone(), id.clone());
                        let connect_label = format!("Connect to {name}");
                        let forget_label = format!("Forget {name} and its dashboards");
                        view! {
                            <li data-profile=id.clone() class:in-use=in_use>
                                <span class="saved-name">{name.clone()}</span>
                                <span class="tag">{ServiceDescriptor::of(service).name}</span>
                                {move || if in_use.get() && linked() {
                                    view! { <span class="hint">"in use"</span> }.into_any()
                                } else {
                                    let to_open = to_open.clone();
                                    view! {
                                        <button type="button" class="link-button" aria-label=connect_label.clone()
                                            on:click=move |_| open(to_open.clone())>"Connect"</button>
                                    }.into_any()
                                }}
                                <button type="button" class="icon-button" aria-label=forget_label
                                    on:click=move |_| profiles.remove(&to_forget)>"×"</button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
        {move || asking.get().map(|text| view! { <p class="hint" role="status" id="secret-needed">{text}</p> })}
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
