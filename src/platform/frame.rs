//! Coalescing work to once per animation frame.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// How long a request waits for an animation frame before a timer stands in (hidden tabs get
/// no animation frames, and their queues must still drain).
const HIDDEN_TAB_FALLBACK: Duration = Duration::from_millis(250);

/// Runs a callback at most once per animation frame, however often it is requested.
#[derive(Clone)]
pub struct FrameScheduler {
    /// The request waiting for its frame, by number; `None` when nothing waits.
    pending: Rc<Cell<Option<u64>>>,
    requests: Rc<Cell<u64>>,
    callback: Rc<dyn Fn()>,
}

impl FrameScheduler {
    /// A scheduler for `callback`.
    pub fn new(callback: impl Fn() + 'static) -> Self {
        Self {
            pending: Rc::new(Cell::new(None)),
            requests: Rc::new(Cell::new(0)),
            callback: Rc::new(callback),
        }
    }

    /// Asks for the callback to run on the next frame (or after 250 ms without frames).
    pub fn request(&self) {
        if self.pending.get().is_some() {
            return;
        }
        let number = self.requests.get() + 1;
        self.requests.set(number);
        self.pending.set(Some(number));
        let on_frame = self.clone();
        leptos::prelude::request_animation_frame(move || on_frame.run_if_waiting(number));
        let on_timer = self.clone();
        // The timer serves only its own request: one left over from an earlier request must
        // not run the callback a second time between two frames.
        leptos::prelude::set_timeout(move || on_timer.run_if_waiting(number), HIDDEN_TAB_FALLBACK);
    }

    fn run_if_waiting(&self, number: u64) {
        if self.pending.get() == Some(number) {
            self.pending.set(None);
            (self.callback)();
        }
    }
}
