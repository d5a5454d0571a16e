//! A live table of the newest value on every topic.

use super::mqtt_handle::MqttHandle;
use crate::feeds::latest::TopicRow;
use crate::feeds::payload_text::preview;
use leptos::prelude::*;

/// Longest payload preview shown in a cell; the full payload is kept.
const PREVIEW_CHARS: usize = 200;

/// The latest-values table with the total message count.
#[component]
pub fn LatestValuesPanel() -> impl IntoView {
    let mqtt = expect_context::<MqttHandle>();
    let latest = mqtt.latest();
    let rows = move || latest.with(|l| l.rows().cloned().collect::<Vec<TopicRow>>());

    view! {
        <section class="panel panel-wide" aria-labelledby="latest-heading">
            <div class="panel-title">
                <h2 id="latest-heading">"Latest values"</h2>
                <span class="counter">
                    <span id="message-count">{move || latest.with(|l| l.total())}</span>
                    " messages on "
                    <span id="topic-count">{move || latest.with(|l| l.topic_count())}</span>
                    " topics"
                </span>
            </div>
            <div class="table-scroll">
                <table id="latest-values">
                    <thead>
                        <tr>
                            <th scope="col">"Topic"</th>
                            <th scope="col">"Value"</th>
                            <th scope="col" class="numeric">"Messages"</th>
                            <th scope="col">"Received"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=rows key=|row| (row.topic.clone(), row.count) let:row>
                            <tr data-topic=row.topic.clone()>
                                <td><code>{row.topic.clone()}</code></td>
                                <td class="payload">{preview(&row.payload, PREVIEW_CHARS).to_string()}</td>
                                <td class="numeric">{row.count}</td>
                                <td>{clock_time(row.received_at_ms)}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                <Show when=move || latest.with(|l| l.topic_count() == 0)>
                    <p class="empty">"No messages yet. Connect, then subscribe to a topic filter such as "<code>"#"</code>"."</p>
                </Show>
            </div>
        </section>
    }
}

/// Local wall-clock time as HH:MM:SS.
fn clock_time(epoch_ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(epoch_ms));
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}
