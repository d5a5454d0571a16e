//! The connection state and the watch's summary at a glance, announced to screen readers when
//! they change.

use super::link_handle::LinkHandle;
use super::watch_handle::WatchHandle;
use crate::link::LinkStatus;
use leptos::prelude::*;

/// A coloured badge with the connection state.
#[component]
pub fn StatusBadge() -> impl IntoView {
    let mqtt = expect_context::<LinkHandle>();
    let status = mqtt.status();
    let class = move || match status.get() {
        LinkStatus::Connected => "badge badge-ok",
        LinkStatus::Connecting | LinkStatus::Reconnecting { .. } => "badge badge-busy",
        LinkStatus::Idle => "badge",
        LinkStatus::Failed(_) => "badge badge-error",
    };
    view! {
        <span id="connection-status" class=class role="status" aria-live="polite">
            {move || status.get().label()}
        </span>
    }
}

/// "2 feeds silent · 1 alert", linking to the Alerts panel; nothing while all is well.
#[component]
pub fn WatchBadge() -> impl IntoView {
    let marks = expect_context::<WatchHandle>().marks();
    let summary = Memo::new(move |_| {
        marks.with(|m| {
            let mut parts = Vec::new();
            match m.silent.len() {
                0 => {}
                1 => parts.push("1 feed silent".to_owned()),
                n => parts.push(format!("{n} feeds silent")),
            }
            match m.firing().count() {
                0 => {}
                1 => parts.push("1 alert".to_owned()),
                n => parts.push(format!("{n} alerts")),
            }
            parts.join(" · ")
        })
    });
    view! {
        <span role="status" aria-live="polite">
            <Show when=move || !summary.with(String::is_empty)>
                <a id="watch-summary" class="badge badge-warn" href="#alerts-heading">{move || summary.get()}</a>
            </Show>
        </span>
    }
}
