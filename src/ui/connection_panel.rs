//! The connection form: broker URL, client ID, credentials, connect and disconnect.

use super::mqtt_handle::{ConnectionSettings, LinkStatus, MqttHandle};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// The connection form. `initial` fills the fields on first show.
#[component]
pub fn ConnectionPanel(initial: ConnectionSettings) -> impl IntoView {
    let mqtt = expect_context::<MqttHandle>();
    let status = mqtt.status();
    let url = RwSignal::new(initial.url);
    let client_id = RwSignal::new(initial.client_id);
    let username = RwSignal::new(initial.username);
    let password = RwSignal::new(initial.password);
    let active = move || matches!(status.get(), LinkStatus::Connected | LinkStatus::Connecting);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if active() {
            mqtt.disconnect();
        } else {
            mqtt.connect(&ConnectionSettings {
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
                <label for="broker-url">"Broker URL"</label>
                <input id="broker-url" type="text" inputmode="url" spellcheck="false"
                    placeholder="wss://io.adafruit.com:443/mqtt" bind:value=url
                    prop:disabled=active />
                <label for="client-id">"Client ID"</label>
                <input id="client-id" type="text" spellcheck="false"
                    placeholder="empty: the broker picks one" bind:value=client_id
                    prop:disabled=active />
                <label for="username">"Username"</label>
                <input id="username" type="text" autocomplete="off" spellcheck="false"
                    bind:value=username prop:disabled=active />
                <label for="password">"Password or key"</label>
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
                }),
                _ => None,
            }}
        </section>
    }
}
