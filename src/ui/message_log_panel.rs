//! The message log: every received message with its time, topic and payload, filterable by
//! topic, payloads shown as text, pretty JSON or hex (always as text nodes, never markup).

use super::feeds_handle::FeedsHandle;
use super::page_clock::PageClock;
use crate::chart::time_axis::readout_time;
use crate::feeds::export::{file_name, log_json_lines};
use crate::feeds::message_log::{LogEntry, LogKind};
use crate::feeds::payload_text::{render_payload, PayloadFormat};
use crate::platform::clock::wall_clock_millis;
use crate::platform::download::save_text_file;
use crate::platform::local_zone::BrowserZone;
use crate::ui::keyed_list::{keyed_list, KeyedRow};
use crate::ui::when::When;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;

/// Messages listed at most (the log keeps more; the filter and the export reach all of them).
/// Under a stream every refresh replaces every listed row: 200 rows made a long task of it.
const LISTED: usize = 50;
/// Payload bytes shown per message.
const SHOWN_BYTES: usize = 4096;

/// The log region.
#[component]
pub fn MessageLogPanel() -> impl IntoView {
    let feeds = expect_context::<FeedsHandle>();
    let clock = expect_context::<PageClock>();
    let log = feeds.log();
    let filter = RwSignal::new(String::new());
    let format = RwSignal::new(PayloadFormat::Auto);
    let paused_at_total = RwSignal::new(None::<u64>);
    let problem = RwSignal::new(None::<String>);
    let total = Memo::new(move |_| log.with(|l| l.total()));
    let shown_total = follow_at_most_every(total, LIST_REFRESH_MS);
    let listed = Memo::new(move |_| {
        let paused = paused_at_total.get();
        shown_total.track();
        filter.with(|filter| {
            log.with_untracked(|log| {
                log.matching(filter, usize::MAX)
                    // Paused: keep showing what was there; new messages wait below the fold.
                    .filter(|entry| paused.is_none_or(|last| entry.seq <= last))
                    .take(LISTED)
                    .cloned()
                    .collect::<Vec<LogEntry>>()
            })
        })
    });
    let export = move |_| {
        let lines = filter.with_untracked(|filter| {
            log.with_untracked(|log| {
                let mut matching: Vec<&LogEntry> = log.matching(filter, usize::MAX).collect();
                matching.reverse();
                log_json_lines(matching)
            })
        });
        let name = file_name("feedboard-log", clock.now().get_untracked(), "jsonl");
        problem.set(save_text_file(&name, "application/x-ndjson", &lines).err());
    };

    view! {
        <section class="panel log-panel" aria-labelledby="log-heading">
            <div class="panel-title">
                <h2 id="log-heading">"Message log"</h2>
                <span class="counter">
                    <span id="log-total">{move || total.get()}</span>
                    " received · "
                    {move || log.with(|l| l.len())}
                    " kept"
                    {move || paused_at_total.get().map(|at| format!(" · paused, {} new", total.get().saturating_sub(at)))}
                </span>
            </div>
            <div class="log-controls">
                <label for="log-filter">"Filter topics"</label>
                <input id="log-filter" type="search" spellcheck="false" placeholder="text, or an MQTT filter like demo/#"
                    bind:value=filter />
                <label for="log-format">"Payload as"</label>
                <select id="log-format" on:change=move |event| format.set(PayloadFormat::from_name(&event_target_value(&event)))>
                    {PayloadFormat::ALL.iter().map(|(_, name)| view! { <option value=*name>{*name}</option> }).collect_view()}
                </select>
                <div class="log-buttons">
                    <button type="button" id="log-pause"
                        aria-pressed=move || paused_at_total.get().is_some().to_string()
                        on:click=move |_| paused_at_total.update(|paused| {
                            *paused = match paused {
                                Some(_) => None,
                                None => Some(total.get_untracked()),
                            }
                        })>
                        {move || if paused_at_total.get().is_some() { "Resume" } else { "Pause" }}
                    </button>
                    <button type="button" id="log-export" on:click=export>"Export JSON lines"</button>
                    <button type="button" id="log-clear" on:click=move |_| feeds.clear_log()>"Clear"</button>
                </div>
            </div>
            {move || problem.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            <ol class="log-list" aria-label="Received messages, newest first">
                // A row per message and payload format: another format redraws every row.
                {keyed_list(move || {
                    let shown_as = format.get();
                    listed.get().into_iter().map(|entry| {
                        KeyedRow::new(format!("{} {}", entry.seq, shown_as.name()), move || view! {
                            <LogRow entry=entry format=shown_as now_ms=clock.now().get_untracked() />
                        })
                    }).collect()
                })}
            </ol>
            <When when=move || listed.with(Vec::is_empty)>
                <p class="empty">{move || if total.get() == 0 {
                    "No messages yet."
                } else {
                    "No kept message matches the filter."
                }}</p>
            </When>
        </section>
    }
}

/// How often the list follows a stream, at most. Each refresh moves every listed row (newest
/// first), which at 60 refreshes a second took most of a frame; nobody reads faster than this.
const LIST_REFRESH_MS: f64 = 250.0;

/// `source`, but changing at most once every `every_ms`: a change soon after the last one is
/// shown when the interval is over (the latest value, nothing is skipped at the end).
fn follow_at_most_every(source: Memo<u64>, every_ms: f64) -> ReadSignal<u64> {
    let (shown, set_shown) = signal(source.get_untracked());
    let last_ms = StoredValue::new(f64::NEG_INFINITY);
    let pending = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |_| {
        let value = source.get();
        let since = wall_clock_millis() - last_ms.get_value();
        if since >= every_ms {
            // A timer still pending (late on a busy page) would follow right after this
            // refresh: this one shows the latest already.
            pending.set_value(None);
            last_ms.set_value(wall_clock_millis());
            set_shown.set(value);
        } else if pending.with_value(Option::is_none) {
            let wait = (every_ms - since).ceil() as u32;
            // Dropping the pane drops the timer with it; `try_` in case it fires meanwhile.
            pending.set_value(Some(Timeout::new(wait, move || {
                pending.try_set_value(None);
                last_ms.try_set_value(wall_clock_millis());
                if let Some(latest) = source.try_get_untracked() {
                    set_shown.try_set(latest);
                }
            })));
        }
    });
    shown
}

#[component]
fn LogRow(entry: LogEntry, format: PayloadFormat, now_ms: f64) -> impl IntoView {
    let flags = [
        (entry.qos.level() > 0).then(|| format!("QoS {}", entry.qos.level())),
        entry.retain.then(|| "retained".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let kind_class = match entry.kind {
        LogKind::Data | LogKind::Time => "tag",
        LogKind::Copy => "tag tag-muted",
        LogKind::Throttle => "tag tag-warn",
        LogKind::ServiceError => "tag tag-error",
    };
    view! {
        <li data-topic=entry.topic.clone() data-seq=entry.seq.to_string()>
            <div class="log-meta">
                <time>{readout_time(entry.at_ms, now_ms, &BrowserZone)}</time>
                <code class="log-topic">{entry.topic.clone()}</code>
                <span class=kind_class>{entry.kind.label()}</span>
                <span class="log-flags">{flags}</span>
                <span class="log-size">{format!("{} B", entry.payload.len())}</span>
            </div>
            <pre class="payload">{render_payload(&entry.payload, format, SHOWN_BYTES)}</pre>
        </li>
    }
}
