//! Coalescing work to once per animation frame.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// Runs a callback at most once per animation frame, however often it is requested. Hidden
/// tabs get no animation frames, so a slow timer stands in for them and the queue still drains.
#[derive(Clone)]
pub struct FrameScheduler {
    pending: Rc<Cell<bool>>,
    callback: Rc<dyn Fn()>,
}

impl FrameScheduler {
    /// A scheduler for `callback`.
    pub fn new(callback: impl Fn() + 'static) -> Self {
        Self {
            pending: Rc::new(Cell::new(false)),
            callback: Rc::new(callback),
        }
    }

    /// Asks for the callback to run on the next frame (or within 250 ms when hidden).
    pub fn request(&self) {
        if self.pending.replace(true) {
            return;
        }
        let on_frame = self.clone();
        leptos::prelude::request_animation_frame(move || on_frame.run());
        let on_timer = self.clone();
        leptos::prelude::set_timeout(move || on_timer.run(), Duration::from_millis(250));
    }

    fn run(&self) {
        if self.pending.replace(false) {
            (self.callback)();
        }
    }
}
