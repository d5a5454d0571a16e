//! Watching an element's size (a card resized, a phone rotated, the zoom changed).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Calls back with the element's content size in CSS pixels whenever it changes; stops when
/// dropped.
pub struct SizeWatcher {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl SizeWatcher {
    /// Watches `element`; `on_size(width, height)` runs once at the start and on every change.
    pub fn new(
        element: &web_sys::Element,
        mut on_size: impl FnMut(f64, f64) + 'static,
    ) -> Option<Self> {
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let last = entries.iter().last();
            if let Some(entry) =
                last.and_then(|e| e.dyn_into::<web_sys::ResizeObserverEntry>().ok())
            {
                let rect = entry.content_rect();
                on_size(rect.width(), rect.height());
            }
        });
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        observer.observe(element);
        Some(Self {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for SizeWatcher {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
