//! Watching an element through the browser's observers: its size (a card resized, a phone
//! rotated, the zoom changed) and whether it is on screen or about to be (so work for what
//! nobody can see waits until it scrolls into view).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// How far outside the viewport an element already counts as shown: a chart just below the fold
/// is drawn before it scrolls in.
const AHEAD: &str = "300px";

/// An observer watching one element; it stops when dropped.
pub struct Observing {
    _callback: Closure<dyn FnMut(js_sys::Array)>,
    disconnect: Box<dyn Fn()>,
}

impl Drop for Observing {
    fn drop(&mut self) {
        (self.disconnect)();
    }
}

/// The observers' callback: `on_entry` gets the newest entry of each report.
fn newest_entry<E: JsCast>(
    mut on_entry: impl FnMut(E) + 'static,
) -> Closure<dyn FnMut(js_sys::Array)> {
    Closure::new(move |entries: js_sys::Array| {
        if let Some(entry) = entries.iter().last().and_then(|e| e.dyn_into::<E>().ok()) {
            on_entry(entry);
        }
    })
}

/// Calls `on_size(width, height)` with the element's content size in CSS pixels once at the
/// start and on every change.
pub fn watch_size(
    element: &web_sys::Element,
    mut on_size: impl FnMut(f64, f64) + 'static,
) -> Option<Observing> {
    let callback = newest_entry(move |entry: web_sys::ResizeObserverEntry| {
        let rect = entry.content_rect();
        on_size(rect.width(), rect.height());
    });
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(element);
    Some(Observing {
        _callback: callback,
        disconnect: Box::new(move || observer.disconnect()),
    })
}

/// Calls `on_change(shown)` with whether the element is within [`AHEAD`] of the viewport once at
/// the start and on every change. `None` where the browser has no IntersectionObserver (the
/// caller then treats the element as always shown).
pub fn watch_visibility(
    element: &web_sys::Element,
    mut on_change: impl FnMut(bool) + 'static,
) -> Option<Observing> {
    let callback = newest_entry(move |entry: web_sys::IntersectionObserverEntry| {
        on_change(entry.is_intersecting());
    });
    let options = web_sys::IntersectionObserverInit::new();
    options.set_root_margin(AHEAD);
    let observer = web_sys::IntersectionObserver::new_with_options(
        callback.as_ref().unchecked_ref(),
        &options,
    )
    .ok()?;
    observer.observe(element);
    Some(Observing {
        _callback: callback,
        disconnect: Box::new(move || observer.disconnect()),
    })
}
