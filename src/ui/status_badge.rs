//! The connection state at a glance, announced to screen readers when it changes.

use super::link_handle::LinkHandle;
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
