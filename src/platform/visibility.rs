//! Watching whether an element is on screen (or about to be: within a margin of the viewport),
//! so work for what nobody can see waits until it scrolls into view.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// How far outside the viewport an element already counts as shown: a chart just below the fold
/// is drawn before it scrolls in.
const AHEAD: &str = "300px";

/// Calls back with whether the element is within [`AHEAD`] of the viewport whenever that
/// changes; stops when dropped.
pub struct VisibilityWatcher {
    observer: web_sys::IntersectionObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl VisibilityWatcher {
    /// Watches `element`; `on_change(shown)` runs once at the start and on every change.
    /// `None` where the browser has no IntersectionObserver (the caller then treats the element
    /// as always shown).
    pub fn new(
        element: &web_sys::Element,
        mut on_change: impl FnMut(bool) + 'static,
    ) -> Option<Self> {
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let last = entries.iter().last();
            if let Some(entry) =
                last.and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
            {
                on_change(entry.is_intersecting());
            }
        });
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin(AHEAD);
        let observer = web_sys::IntersectionObserver::new_with_options(
            callback.as_ref().unchecked_ref(),
            &options,
        )
        .ok()?;
        observer.observe(element);
        Some(Self {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for VisibilityWatcher {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
