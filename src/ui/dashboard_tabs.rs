//! The profile's dashboards as tabs, with the tools to add, rename, remove, export and import
//! them. Exports hold cards and layout only, never credentials.

use super::page_clock::PageClock;
use super::profiles_handle::ProfilesHandle;
use crate::dashboard::document::import_dashboard;
use crate::feeds::export::file_name;
use crate::platform::download::save_text_file;
use crate::ui::when::When;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// The largest dashboard file read (a dashboard is a few KB; anything bigger is not one).
const MAX_IMPORT_BYTES: f64 = 1024.0 * 1024.0;

/// The tabs and their tools.
#[component]
pub fn DashboardTabs() -> impl IntoView {
    let profiles = expect_context::<ProfilesHandle>();
    let clock = expect_context::<PageClock>();
    let dashboards = profiles.dashboards();
    let renaming = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<(bool, String)>);
    let shown_name =
        move || dashboards.with(|(names, active)| names.get(*active).cloned().unwrap_or_default());

    let export = move |_| match profiles.export_dashboard() {
        Some((name, text)) => {
            let file = file_name(&name, clock.now().get_untracked(), "json");
            let outcome = save_text_file(&file, "application/json", &text);
            message.set(outcome.err().map(|e| (true, e)));
        }
        None => message.set(Some((true, "there is no dashboard to export".to_owned()))),
    };
    let import = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let name = file.name();
        // Reading starts before the input is cleared (so the same file can be chosen again
        // after a fix): in WebKit a read started after the clearing was once never answered.
        let reading = (file.size() <= MAX_IMPORT_BYTES)
            .then(|| wasm_bindgen_futures::JsFuture::from(file.text()));
        input.set_value("");
        let Some(reading) = reading else {
            message.set(Some((
                true,
                format!(
                    "{name} is too big to be a dashboard ({:.0} KB)",
                    file.size() / 1024.0
                ),
            )));
            return;
        };
        leptos::task::spawn_local(async move {
            let text = reading.await.ok().and_then(|text| text.as_string());
            let outcome = match text {
                None => Err(format!("{name} could not be read")),
                Some(text) => import_dashboard(&text)
                    .map_err(|error| format!("{name} was not imported: {error}")),
            };
            match outcome {
                Ok(dashboard) => {
                    let imported = dashboard.imported_message();
                    profiles.add_named(dashboard);
                    message.set(Some((false, imported)));
                }
                Err(reason) => message.set(Some((true, reason))),
            }
        });
    };
    let on_rename = move |event: SubmitEvent| {
        event.prevent_default();
        if let Some(name) = renaming.get_untracked() {
            profiles.rename_dashboard(&name);
        }
        renaming.set(None);
    };

    view! {
        <div class="dashboard-tabs">
            <div role="tablist" aria-label="Dashboards" class="tablist">
                {move || {
                    let (names, active) = dashboards.get();
                    names.into_iter().enumerate().map(|(index, name)| view! {
                        <button type="button" role="tab" class="tab"
                            aria-selected=(index == active).to_string()
                            tabindex=if index == active { "0" } else { "-1" }
                            on:click=move |_| profiles.switch_dashboard(index)
                            on:keydown=move |event: leptos::ev::KeyboardEvent| {
                                let count = dashboards.with_untracked(|(names, _)| names.len());
                                let next = match event.key().as_str() {
                                    "ArrowRight" => (index + 1) % count,
                                    "ArrowLeft" => (index + count - 1) % count,
                                    _ => return,
                                };
                                event.prevent_default();
                                profiles.switch_dashboard(next);
                            }>
                            {name}
                        </button>
                    }).collect_view()
                }}
                <button type="button" class="tab tab-add" aria-label="New dashboard"
                    on:click=move |_| {
                        let count = dashboards.with_untracked(|(names, _)| names.len());
                        profiles.add_dashboard(&format!("Dashboard {}", count + 1));
                    }>"+"</button>
            </div>
            <div class="dashboard-tools">
                {move || match renaming.get() {
                    Some(_) => view! {
                        <form class="rename-form" on:submit=on_rename>
                            <label for="dashboard-name">"Dashboard name"</label>
                            <input id="dashboard-name" type="text" maxlength="60"
                                prop:value=move || renaming.get().unwrap_or_default()
                                on:input=move |event| renaming.set(Some(event_target_value(&event))) />
                            <button type="submit">"Save"</button>
                        </form>
                    }.into_any(),
                    None => view! {
                        <button type="button" class="link-button" on:click=move |_| renaming.set(Some(shown_name()))>"Rename"</button>
                    }.into_any(),
                }}
                <When when=move || dashboards.with(|(names, _)| names.len() > 1)>
                    <button type="button" class="link-button" id="remove-dashboard"
                        on:click=move |_| profiles.remove_dashboard()>"Remove"</button>
                </When>
                <button type="button" class="link-button" id="export-dashboard" on:click=export>"Export"</button>
                <label for="import-dashboard" class="link-button file-label">"Import"</label>
                <input id="import-dashboard" type="file" accept=".json,application/json" class="visually-hidden"
                    on:change=import />
            </div>
            {move || message.get().map(|(is_error, text)| view! {
                <p id="dashboard-message" class:error=is_error class:hint=!is_error role="status">{text}</p>
            })}
        </div>
    }
}
