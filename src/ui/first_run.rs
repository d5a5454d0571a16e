//! The first-run screen: the three ways to connect (and the local demo), before any connection
//! has been saved.

use super::link_handle::LinkHandle;
use super::profiles_handle::ProfilesHandle;
use crate::link::LinkStatus;
use crate::profile::Preset;
use crate::ui::when::When;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// One way to connect.
struct Way {
    preset: Preset,
    id: &'static str,
    title: &'static str,
    action: &'static str,
    what: &'static str,
    needs: &'static str,
}

const WAYS: [Way; 4] = [
    Way {
        preset: Preset::AdafruitIo,
        id: "adafruit-io",
        title: "Adafruit IO",
        action: "Use Adafruit IO",
        what: "Your feeds and groups on io.adafruit.com, with controls that keep within your plan's rate.",
        needs: "Your username and your AIO key (My Key on io.adafruit.com).",
    },
    Way {
        preset: Preset::ThingSpeak,
        id: "thingspeak",
        title: "ThingSpeak",
        action: "Use ThingSpeak",
        what: "Your channels' fields as live charts, and a form that sends one update per channel window.",
        needs: "An MQTT device (Devices › MQTT): its client ID, username and password, and your channel IDs.",
    },
    Way {
        preset: Preset::Broker,
        id: "broker",
        title: "Any MQTT broker",
        action: "Use a broker",
        what: "Mosquitto, EMQX, HiveMQ… anything that speaks MQTT 3.1.1 over WebSocket.",
        needs: "Its WebSocket URL (ws:// or wss://), and a username and password if it asks.",
    },
    Way {
        preset: Preset::LocalDemo,
        id: "local-demo",
        title: "The local demo",
        action: "Try the demo",
        what: "Simulated sensors from the demo broker that dev/serve starts on your machine: no account needed.",
        needs: "Nothing: it connects to ws://localhost:9001/mqtt and shows demo/#.",
    },
];

/// The welcome shown until a first connection is saved (and again while the page is not
/// connected, such as after a connection that could not even start).
#[component]
pub fn FirstRun() -> impl IntoView {
    let profiles = expect_context::<ProfilesHandle>();
    let mqtt = expect_context::<LinkHandle>();
    let status = mqtt.status();
    let shown = move || {
        profiles.book().with(|book| book.profiles.is_empty()) && !status.with(LinkStatus::is_active)
    };
    let choose = move |preset: Preset| {
        profiles.start_preset(preset);
        // The form now holds the preset; take the person to what is left to fill in.
        let field = match preset {
            Preset::LocalDemo => "connect-button",
            Preset::Broker => "broker-url",
            _ => "username",
        };
        if let Some(element) = document().get_element_by_id(field) {
            if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    };
    view! {
        <When when=shown>
            <section class="panel first-run" aria-labelledby="first-run-heading">
                <h2 id="first-run-heading">"Connect Feedboard to your data"</h2>
                <p>"Feedboard runs entirely in this browser and talks straight to your MQTT service: nothing goes through a server of ours. Choose how to connect and the connection form is filled in for you."</p>
                <ul class="ways">
                    {WAYS.iter().map(|way| {
                        let preset = way.preset;
                        view! {
                            <li data-way=way.id>
                                <h3>{way.title}</h3>
                                <p>{way.what}</p>
                                <p class="hint">{way.needs}</p>
                                <button type="button" class="primary" on:click=move |_| choose(preset)>
                                    {way.action}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </When>
    }
}
