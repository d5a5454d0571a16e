//! Installs the page's task queue ([`crate::tasks`]) as Leptos' executor. A run starts in a
//! microtask, as wasm-bindgen-futures' did (effects of a change still land before the browser
//! paints); when its slice of time is spent it goes on in a new task, posted through a
//! `MessageChannel` (timers would be clamped when nested and throttled in background tabs),
//! so the browser paints and answers input between slices.

use crate::platform::clock::now_ms;
use crate::tasks::{self, RunEnd};
use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The longest a run polls tasks before it lets the browser have its turn. A frame's task also
/// holds the frame loop's work and the browser's style and layout; with 10 ms of effects it
/// stays well under the 50 ms of a long task. Debug builds (tests, `trunk serve`) run the same
/// work several times slower, so their slice is longer: it ends after about as much work.
const SLICE_MS: f64 = if cfg!(debug_assertions) { 50.0 } else { 10.0 };

struct PageExecutor;

impl CustomExecutor for PageExecutor {
    fn spawn(&self, future: PinnedFuture<()>) {
        tasks::spawn(future);
    }

    fn spawn_local(&self, future: PinnedLocalFuture<()>) {
        tasks::spawn(future);
    }

    fn poll_local(&self) {}
}

/// The callbacks that start and continue runs, made once.
struct Runner {
    window: web_sys::Window,
    start: Closure<dyn FnMut()>,
    /// Posting on it continues a run in a new task.
    continue_port: web_sys::MessagePort,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _channel: web_sys::MessageChannel,
}

thread_local! {
    static RUNNER: Option<Runner> = Runner::new();
}

impl Runner {
    fn new() -> Option<Self> {
        let window = web_sys::window()?;
        let channel = web_sys::MessageChannel::new().ok()?;
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|_| run_slice());
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Self {
            window,
            start: Closure::new(run_slice),
            continue_port: channel.port2(),
            _on_message: on_message,
            _channel: channel,
        })
    }
}

/// Makes the page's task queue Leptos' executor; call before mounting (later calls, and a
/// page whose executor is already set, change nothing).
pub fn install() {
    // Without a window there is nothing to schedule runs with: Leptos keeps its own executor.
    if RUNNER.with(Option::is_some) {
        tasks::set_scheduler(schedule_run);
        let _ = Executor::init_local_custom_executor(PageExecutor);
    }
}

fn schedule_run() {
    RUNNER.with(|runner| {
        if let Some(runner) = runner {
            runner
                .window
                .queue_microtask(runner.start.as_ref().unchecked_ref());
        }
    });
}

fn run_slice() {
    if tasks::run_for(SLICE_MS, &now_ms) == RunEnd::Yielded {
        RUNNER.with(|runner| {
            if let Some(runner) = runner {
                let _ = runner.continue_port.post_message(&JsValue::UNDEFINED);
            }
        });
    }
}
