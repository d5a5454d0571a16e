//! Why the connection is not up, and when it tries again (with "Reconnect now").

use crate::link::LinkStatus;
use crate::platform::clock::wall_of;
use crate::ui::link_handle::LinkHandle;
use crate::ui::page_clock::PageClock;
use leptos::prelude::*;

/// The connection's failure or reconnect countdown, if any.
#[component]
pub fn ConnectionStatusLine() -> impl IntoView {
    let link = expect_context::<LinkHandle>();
    let status = link.status();
    let clock = expect_context::<PageClock>().now();
    move || match status.get() {
        LinkStatus::Failed(reason) => Some(
            view! {
                <p id="connection-error" class="error" role="alert">{reason}</p>
            }
            .into_any(),
        ),
        LinkStatus::Reconnecting { reason, retry_at } => Some(
            view! {
                <div class="error" role="alert">
                    <p id="connection-error">{reason}</p>
                    <p id="reconnect-countdown">
                        {move || countdown_text(wall_of(retry_at), clock.get())}
                        " "
                        <button type="button" id="reconnect-now" class="link-button"
                            on:click=move |_| link.reconnect_now()>
                            "Reconnect now"
                        </button>
                    </p>
                </div>
            }
            .into_any(),
        ),
        _ => None,
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
