//! Small reactive hooks over browser APIs, in the leptos-use style: each returns signals and
//! tears down what it set up when its owner is cleaned up.

use crate::link::LinkStatus;
use crate::platform::css::prefers_dark;
use crate::platform::observe::{watch_size, watch_visibility, Observing};
use crate::ui::link_handle::LinkHandle;
use leptos::prelude::*;

/// Starts `observe` on the element behind `node` once it is mounted (again if it is replaced);
/// the observation ends with the owner.
fn observe_element<E>(
    node: NodeRef<E>,
    observe: impl Fn(&web_sys::Element) -> Option<Observing> + 'static,
) where
    E: leptos::html::ElementType,
    E::Output: Clone + AsRef<web_sys::Element> + 'static,
    NodeRef<E>: Get<Value = Option<E::Output>>,
{
    let observing = StoredValue::new_local(None::<Observing>);
    Effect::new(move |_| {
        if let Some(element) = node.get() {
            observing.set_value(observe(element.as_ref()));
        }
    });
}

/// The content size (CSS pixels) of the element behind `node`, following every change.
pub fn use_element_size<E>(node: NodeRef<E>) -> ReadSignal<(f64, f64)>
where
    E: leptos::html::ElementType,
    E::Output: Clone + AsRef<web_sys::Element> + 'static,
    NodeRef<E>: Get<Value = Option<E::Output>>,
{
    let (size, set_size) = signal((0.0f64, 0.0f64));
    observe_element(node, move |element| {
        watch_size(element, move |width, height| {
            set_size.try_set((width, height));
        })
    });
    size
}

/// Whether the element behind `node` is on screen or near it, following every change. Not
/// shown until the browser's first answer (it comes with the next frame), so nothing is drawn
/// for a place nobody sees; always shown where the browser cannot tell.
pub fn use_element_visible<E>(node: NodeRef<E>) -> ReadSignal<bool>
where
    E: leptos::html::ElementType,
    E::Output: Clone + AsRef<web_sys::Element> + 'static,
    NodeRef<E>: Get<Value = Option<E::Output>>,
{
    let (visible, set_visible) = signal(false);
    observe_element(node, move |element| {
        let observing = watch_visibility(element, move |shown| {
            set_visible.try_set(shown);
        });
        if observing.is_none() {
            set_visible.set(true);
        }
        observing
    });
    visible
}

/// Whether the page is in dark mode, re-checked when the window gets focus (the scheme can
/// change while the page is in the background).
pub fn use_preferred_dark() -> ReadSignal<bool> {
    let (dark, set_dark) = signal(prefers_dark());
    let listener = window_event_listener_untyped("focus", move |_| {
        if dark.try_get_untracked() != Some(prefers_dark()) {
            set_dark.try_set(prefers_dark());
        }
    });
    on_cleanup(move || listener.remove());
    dark
}

/// Reconnects at once when the browser comes back online or the tab is shown again, instead of
/// waiting out the backoff (a laptop waking up, a phone switching networks).
pub fn use_prompt_reconnect(link: LinkHandle) {
    let status = link.status();
    let retry = move |_: web_sys::Event| {
        let waiting = matches!(
            status.try_get_untracked(),
            Some(LinkStatus::Reconnecting { .. })
        );
        if waiting && !document().hidden() {
            link.reconnect_now();
        }
    };
    let online = window_event_listener_untyped("online", retry);
    let shown = window_event_listener_untyped("visibilitychange", retry);
    on_cleanup(move || {
        online.remove();
        shown.remove();
    });
}
