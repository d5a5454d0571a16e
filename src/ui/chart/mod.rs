//! A live line chart on a canvas: redrawn by the page's frame loop when its feeds change (in the
//! frame their data arrives), when its window slides, or when it is resized — never more than
//! once a frame; crisp at any devicePixelRatio; with a read-out of the nearest points under the
//! pointer (or the arrow keys).

pub mod paint;
pub mod readout;

use super::feeds_handle::FeedsHandle;
use super::frame_loop::FrameLoop;
use super::hooks::{use_element_size, use_element_visible, use_preferred_dark};
use super::page_clock::PageClock;
use crate::chart::window::TimeWindow;
use crate::service::feed_ref::FeedRef;
use leptos::prelude::*;
use paint::{draw_on, Drawn, View};
use readout::{read_out, step_for_key, Readout, ReadoutView};
use std::cell::RefCell;
use std::rc::Rc;

/// What a drawing was made from besides its feeds: the same inputs draw the same picture.
#[derive(Debug, Clone, PartialEq)]
struct DrawInputs {
    revision: Option<u64>,
    window: TimeWindow,
    end_ms: f64,
    size: (f64, f64),
    dark: bool,
}

/// The chart. `window` and `paused_at` choose the time range; `unit` follows values in the
/// read-out; `description` labels the canvas for screen readers.
#[component]
pub fn ChartCanvas(
    feeds: Signal<Vec<FeedRef>>,
    window: Signal<TimeWindow>,
    paused_at: Signal<Option<f64>>,
    unit: Signal<String>,
    description: Signal<String>,
) -> impl IntoView {
    let store = expect_context::<FeedsHandle>().store();
    let clock = expect_context::<PageClock>();
    let frames = expect_context::<FrameLoop>();
    let canvas_ref = NodeRef::<leptos::html::Canvas>::new();
    let size = use_element_size(canvas_ref);
    let visible = use_element_visible(canvas_ref);
    let dark = use_preferred_dark();
    let draws = RwSignal::new(0u64);
    let problem = RwSignal::new(None::<String>);
    let readout = RwSignal::new(None::<Readout>);
    let hover_time = RwSignal::new(None::<f64>);
    let drawn: Rc<RefCell<Option<Drawn>>> = Rc::default();

    // Drawn by the page's frame loop, right after the frame's data is in: only when one of
    // the inputs changed (this chart's feeds, not others'; the window, its end, the size, the
    // colour scheme), and only while it is on screen or near it — a dashboard of many cards on
    // a phone draws the few in view; the others catch up as they scroll in.
    let last_drawn = StoredValue::new_local(None::<(Vec<FeedRef>, DrawInputs)>);
    {
        let drawn = drawn.clone();
        frames.add_step(move || {
            // A frame can come after the chart was taken off the page.
            let Some(canvas) = canvas_ref.try_get_untracked().flatten() else {
                return;
            };
            if !visible.try_get_untracked().unwrap_or(true) {
                return;
            }
            let paused = paused_at.get_untracked();
            let inputs = DrawInputs {
                // Paused, the view is frozen: new data lands after its end and changes nothing.
                revision: match paused {
                    Some(_) => None,
                    None => store.with_untracked(|store| {
                        feeds.with_untracked(|f| f.iter().map(|f| store.revision_of(f)).max())
                    }),
                },
                window: window.get_untracked(),
                end_ms: paused.unwrap_or_else(|| clock.now().get_untracked()),
                size: size.get_untracked(),
                dark: dark.get_untracked(),
            };
            // Compared in place: this runs every frame, and most frames change nothing here.
            let unchanged = last_drawn.with_value(|last| {
                last.as_ref().is_some_and(|(shown, last)| {
                    *last == inputs && feeds.with_untracked(|f| f == shown)
                })
            });
            if unchanged {
                return;
            }
            let shown = feeds.get_untracked();
            let view = View {
                feeds: &shown,
                window: inputs.window,
                end_ms: inputs.end_ms,
                dark: inputs.dark,
            };
            let outcome = store.with_untracked(|store| draw_on(&canvas, store, &view, inputs.size));
            last_drawn.set_value(Some((shown, inputs)));
            match outcome {
                Ok(Some(frame)) => {
                    *drawn.borrow_mut() = Some(frame);
                    problem.set(None);
                    draws.update(|n| *n += 1);
                }
                Ok(None) => {}
                Err(message) => problem.set(Some(message)),
            }
        });
    }

    // Inputs that change without new data ask for a frame: the window, the size, the colour
    // scheme, the feeds shown, pausing, coming into view, and (while live) time passing.
    Effect::new(move |_| {
        let _ = (
            window.get(),
            size.get(),
            dark.get(),
            paused_at.get(),
            visible.get(),
        );
        feeds.track();
        if paused_at.get().is_none() {
            clock.now().track();
        }
        frames.request();
    });

    // The read-out follows the hovered time through redraws and new data.
    {
        let drawn = drawn.clone();
        Effect::new(move |_| {
            let _ = draws.get();
            let Some(time) = hover_time.get() else {
                readout.set(None);
                return;
            };
            let geometry = drawn.borrow().clone();
            let next = geometry.and_then(|geometry| {
                store.with_untracked(|store| {
                    feeds.with_untracked(|feeds| {
                        read_out(store, feeds, &geometry, time, clock.now().get_untracked())
                    })
                })
            });
            readout.set(next);
        });
    }

    let point_at = {
        let drawn = drawn.clone();
        move |client_x: f64| {
            let Some(canvas) = canvas_ref.get_untracked() else {
                return;
            };
            let Some(geometry) = drawn.borrow().clone() else {
                return;
            };
            let left = canvas.get_bounding_client_rect().left();
            let device_x = (client_x - left) * geometry.pixel_ratio;
            hover_time.set(Some(geometry.frame.time_at(device_x)));
        }
    };
    let on_key = move |event: leptos::ev::KeyboardEvent| {
        let Some(geometry) = drawn.borrow().clone() else {
            return;
        };
        if let Some(next) = step_for_key(&event.key(), hover_time.get_untracked(), &geometry) {
            event.prevent_default();
            hover_time.set(next);
        }
    };

    view! {
        <div class="chart-box">
            <canvas
                node_ref=canvas_ref
                class="chart-canvas"
                tabindex="0"
                role="img"
                aria-label=move || description.get()
                data-draws=move || draws.get().to_string()
                on:pointermove=move |event| point_at(f64::from(event.client_x()))
                on:pointerleave=move |_| hover_time.set(None)
                on:blur=move |_| hover_time.set(None)
                on:keydown=on_key
            ></canvas>
            {move || readout.get().map(|shown| view! { <ReadoutView shown=shown unit=unit /> })}
            {move || problem.get().map(|message| view! {
                <p class="error chart-problem" role="alert">{message}</p>
            })}
        </div>
    }
}
