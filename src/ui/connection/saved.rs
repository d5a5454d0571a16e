//! The saved connections: one click connects (or asks for the secret it needs); × forgets.

use super::form::credential_label;
use crate::link::LinkStatus;
use crate::service::descriptor::{CredentialRole, ServiceDescriptor};
use crate::service::ServiceKind;
use crate::ui::keep_handle::KeepHandle;
use crate::ui::keyed_list::{keyed_list, KeyedRow};
use crate::ui::link_handle::LinkHandle;
use crate::ui::profiles_handle::ProfilesHandle;
use crate::ui::when::When;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// The saved connections: one click connects (or asks for the secret it needs).
#[component]
pub fn SavedConnections() -> impl IntoView {
    let mqtt = expect_context::<LinkHandle>();
    let profiles = expect_context::<ProfilesHandle>();
    let keep = expect_context::<KeepHandle>();
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
        profiles.connect(&profile.settings(), &profile.details());
    };
    view! {
        <When when=move || !listed.with(Vec::is_empty)>
            <ul class="saved-connections" aria-label="Saved connections">
                {keyed_list(move || listed.get().into_iter().map(|(id, name, service)| {
                    KeyedRow::new(format!("{id} {name}"), move || {
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
                                    on:click=move |_| {
                                        // Its kept charts go with it.
                                        if let Some(settings) = profiles.remove(&to_forget) {
                                            keep.forget_connection(&settings);
                                        }
                                    }>"×"</button>
                            </li>
                        }
                    })
                }).collect())}
            </ul>
        </When>
        {move || asking.get().map(|text| view! { <p class="hint" role="status" id="secret-needed">{text}</p> })}
    }
}
