//! The one conditional block of the page.
//!
//! Leptos' `Show` is generic over its condition and its children's view type, so each use
//! compiled its own copy of the code that builds, swaps and removes the two branches. `When`
//! takes the condition as a signal and the children type-erased, so every block shares one.

use leptos::prelude::*;

/// Its children while `when` is true, else `fallback` (nothing by default); a branch is built
/// again only when the condition flips.
#[component]
pub fn When(
    #[prop(into)] when: Signal<bool>,
    children: ChildrenFn,
    #[prop(optional, into)] fallback: ViewFn,
) -> impl IntoView {
    view! {
        <Show when=move || when.get() fallback=fallback>
            {children()}
        </Show>
    }
}
