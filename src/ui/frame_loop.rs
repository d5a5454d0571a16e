//! The page's one animation-frame loop. Received data is applied first, then every chart whose
//! inputs changed is drawn, in the same frame: a message waits for one frame at most before it
//! is on screen, and nothing draws more than once a frame however fast messages arrive.

use crate::platform::frame::FrameScheduler;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

type Step = Rc<dyn Fn()>;

struct Steps {
    list: RefCell<Vec<(u64, Step)>>,
    next_id: Cell<u64>,
}

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct FrameLoop {
    steps: StoredValue<Rc<Steps>, LocalStorage>,
    scheduler: StoredValue<Option<FrameScheduler>, LocalStorage>,
}

impl FrameLoop {
    /// A loop with no steps; it runs only when asked.
    pub fn new() -> Self {
        let steps = Rc::new(Steps {
            list: RefCell::default(),
            next_id: Cell::new(0),
        });
        let scheduler = {
            let steps = Rc::downgrade(&steps);
            FrameScheduler::new(move || {
                let Some(steps) = steps.upgrade() else {
                    return;
                };
                // Copied out: a step may add or remove steps (a chart mounting or unmounting).
                let current: Vec<Step> = steps
                    .list
                    .borrow()
                    .iter()
                    .map(|(_, step)| step.clone())
                    .collect();
                for step in current {
                    step();
                }
            })
        };
        Self {
            steps: StoredValue::new_local(steps),
            scheduler: StoredValue::new_local(Some(scheduler)),
        }
    }

    /// Asks for a frame (once per frame however often it is asked).
    pub fn request(&self) {
        self.scheduler.try_with_value(|scheduler| {
            if let Some(scheduler) = scheduler {
                scheduler.request();
            }
        });
    }

    /// Runs `step` on every frame, after the steps added before it, until the calling
    /// component is cleaned up.
    pub fn add_step(&self, step: impl Fn() + 'static) {
        let Some(steps) = self.steps.try_get_value() else {
            return;
        };
        let id = steps.next_id.get();
        steps.next_id.set(id + 1);
        steps.list.borrow_mut().push((id, Rc::new(step)));
        let stored = self.steps;
        on_cleanup(move || {
            stored
                .try_with_value(|steps| steps.list.borrow_mut().retain(|(other, _)| *other != id));
        });
    }
}

impl Default for FrameLoop {
    fn default() -> Self {
        Self::new()
    }
}
