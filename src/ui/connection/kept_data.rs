//! What this device keeps of the connection in use, and forgetting it.

use crate::ui::keep_handle::{KeepHandle, KeepStatus};
use crate::ui::when::When;
use leptos::prelude::*;

/// A status line about kept data, with "Forget stored data".
#[component]
pub fn KeptData() -> impl IntoView {
    let keep = expect_context::<KeepHandle>();
    let status = keep.status();
    let text = move || match status.get() {
        KeepStatus::Reading => "Reading what this device kept…".to_owned(),
        KeepStatus::Kept {
            points: 0,
            damaged: 0,
            ..
        } => "Charts are kept on this device for the next visit.".to_owned(),
        KeepStatus::Kept {
            points,
            feeds,
            damaged,
        } => {
            let feeds = if feeds == 1 {
                "1 feed".to_owned()
            } else {
                format!("{feeds} feeds")
            };
            let damaged = if damaged > 0 {
                format!(" ({damaged} damaged parts left out)")
            } else {
                String::new()
            };
            format!("Restored {points} points of {feeds} kept on this device{damaged}; new data is kept too.")
        }
        KeepStatus::Forgotten => {
            "Stored data forgotten; what arrives from now on is kept.".to_owned()
        }
        KeepStatus::Off(reason) => format!("Charts are not kept on this device: {reason}."),
    };
    let can_forget = move || !matches!(status.get(), KeepStatus::Off(_) | KeepStatus::Reading);
    view! {
        <div class="kept-data">
            <p class="hint" role="status" id="kept-data-status">{text}</p>
            <When when=can_forget>
                <button type="button" class="link-button" id="forget-stored-data"
                    on:click=move |_| keep.forget_stored()>"Forget stored data"</button>
            </When>
        </div>
    }
}
