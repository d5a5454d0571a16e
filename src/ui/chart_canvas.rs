//! A live line chart on a canvas: redrawn at most once per animation frame when its feeds
//! change, when its window slides, or when it is resized; crisp at any devicePixelRatio; with a
//! read-out of the nearest points under the pointer (or the arrow keys).

use super::feeds_handle::FeedsHandle;
use super::page_clock::PageClock;
use crate::chart::draw::{draw_chart, ChartRequest, Line, PlotFrame};
use crate::chart::theme::ChartTheme;
use crate::chart::time_axis::readout_time;
use crate::chart::window::TimeWindow;
use crate::feeds::decimate::decimate;
use crate::feeds::series::Sample;
use crate::feeds::store::FeedStore;
use crate::platform::canvas_backend::ChartCanvasBackend;
use crate::platform::css::{prefers_dark, root_custom_property};
use crate::platform::frame::FrameScheduler;
use crate::platform::local_zone::BrowserZone;
use crate::platform::resize::SizeWatcher;
use crate::service::incoming::FeedRef;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// One series' value under the read-out.
#[derive(Debug, Clone, PartialEq)]
struct Reading {
    name: String,
    colour: usize,
    sample: Sample,
    /// Position in CSS pixels within the canvas.
    x: f64,
    y: f64,
}

/// What the read-out shows.
#[derive(Debug, Clone, PartialEq)]
struct Readout {
    time_text: String,
    x: f64,
    readings: Vec<Reading>,
}

/// The last drawing's geometry, to map pointer positions back to data.
#[derive(Debug, Clone)]
struct Drawn {
    frame: PlotFrame,
    pixel_ratio: f64,
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
    let data = expect_context::<FeedsHandle>();
    let clock = expect_context::<PageClock>();
    let store = data.store();
    let canvas_ref = NodeRef::<leptos::html::Canvas>::new();
    let size = RwSignal::new((0.0f64, 0.0f64));
    let draws = RwSignal::new(0u64);
    let problem = RwSignal::new(None::<String>);
    let readout = RwSignal::new(None::<Readout>);
    let hover_time = RwSignal::new(None::<f64>);
    let dark = RwSignal::new(prefers_dark());
    let drawn: Rc<RefCell<Option<Drawn>>> = Rc::default();
    let watcher = StoredValue::new_local(None::<SizeWatcher>);

    // Only this chart's feeds: a change elsewhere in the store does not redraw it.
    let revision = Memo::new(move |_| {
        store.with(|store| feeds.with(|feeds| feeds.iter().map(|f| store.revision_of(f)).max()))
    });

    let scheduler = {
        let drawn = drawn.clone();
        FrameScheduler::new(move || {
            // A frame can come after the chart was taken off the page.
            if draws.is_disposed() {
                return;
            }
            let Some(canvas) = canvas_ref.try_get_untracked().flatten() else {
                return;
            };
            let end = paused_at
                .get_untracked()
                .unwrap_or_else(|| clock.now().get_untracked());
            let outcome = store.with_untracked(|store| {
                feeds.with_untracked(|feeds| {
                    draw_on(
                        &canvas,
                        store,
                        feeds,
                        window.get_untracked(),
                        end,
                        size.get_untracked(),
                    )
                })
            });
            match outcome {
                Ok(Some(frame)) => {
                    *drawn.borrow_mut() = Some(frame);
                    problem.set(None);
                    draws.update(|n| *n += 1);
                }
                Ok(None) => {}
                Err(message) => problem.set(Some(message)),
            }
        })
    };

    // Redraw when the window, the size or the colour scheme change, and while live also when
    // the data changes and as time passes (the window slides).
    {
        let scheduler = scheduler.clone();
        Effect::new(move |_| {
            // Read, not just tracked: a memo only subscribes to its sources once evaluated.
            let _ = (window.get(), size.get(), dark.get());
            // Paused, the view is frozen: new data lands after its end and changes nothing.
            if paused_at.get().is_none() {
                let _ = (revision.get(), clock.now().get());
            }
            scheduler.request();
        });
    }

    Effect::new(move |_| {
        if let Some(canvas) = canvas_ref.get() {
            let element: &web_sys::Element = &canvas;
            let watching = SizeWatcher::new(element, move |width, height| {
                if !size.is_disposed() {
                    size.set((width, height));
                }
            });
            watcher.set_value(watching);
        }
    });

    let scheme_listener = window_event_listener_untyped("focus", move |_| {
        // The colour scheme can change while the page is in the background.
        if !dark.is_disposed() && dark.get_untracked() != prefers_dark() {
            dark.set(prefers_dark());
        }
    });
    on_cleanup(move || scheme_listener.remove());

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
    let on_key = {
        let drawn = drawn.clone();
        move |event: leptos::ev::KeyboardEvent| {
            let Some(geometry) = drawn.borrow().clone() else {
                return;
            };
            let frame = &geometry.frame;
            let step = (frame.to_ms - frame.from_ms) / 50.0;
            let current = hover_time.get_untracked().unwrap_or(frame.to_ms);
            let next = match event.key().as_str() {
                "ArrowLeft" => Some((current - step).max(frame.from_ms)),
                "ArrowRight" => Some((current + step).min(frame.to_ms)),
                "Home" => Some(frame.from_ms),
                "End" => Some(frame.to_ms),
                "Escape" => None,
                _ => return,
            };
            event.prevent_default();
            hover_time.set(next);
        }
    };
    let unit_suffix = move || {
        let unit = unit.get();
        if unit.trim().is_empty() {
            String::new()
        } else {
            format!(" {}", unit.trim())
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
            {move || readout.get().map(|shown| {
                let crosshair = format!("{:.1}px", shown.x);
                let dots = shown.readings.clone();
                view! {
                    <div class="chart-crosshair" style:left=crosshair aria-hidden="true"></div>
                    {dots.into_iter().map(|reading| view! {
                        <span
                            class=format!("chart-dot series-{}", reading.colour % 8)
                            style:left=format!("{:.1}px", reading.x)
                            style:top=format!("{:.1}px", reading.y)
                            aria-hidden="true"
                        ></span>
                    }).collect_view()}
                    <div class="chart-readout" role="status">
                        <div class="readout-time">{shown.time_text.clone()}</div>
                        {shown.readings.iter().map(|reading| view! {
                            <div class="readout-row">
                                <span class=format!("swatch series-{}", reading.colour % 8)></span>
                                <span class="readout-name">{reading.name.clone()}</span>
                                <span class="readout-value">
                                    {format!("{}{}", reading.sample.value, unit_suffix())}
                                </span>
                            </div>
                        }).collect_view()}
                    </div>
                }
            })}
            {move || problem.get().map(|message| view! {
                <p class="error chart-problem" role="alert">{message}</p>
            })}
        </div>
    }
}

/// Sizes the canvas for the screen and draws; `Ok(None)` when it has no size (hidden).
fn draw_on(
    canvas: &web_sys::HtmlCanvasElement,
    store: &FeedStore,
    feeds: &[FeedRef],
    window: TimeWindow,
    end_ms: f64,
    (css_width, css_height): (f64, f64),
) -> Result<Option<Drawn>, String> {
    if css_width < 20.0 || css_height < 20.0 {
        return Ok(None);
    }
    let pixel_ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 4.0);
    let (width, height) = (
        (css_width * pixel_ratio).round() as u32,
        (css_height * pixel_ratio).round() as u32,
    );
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    let oldest = feeds
        .iter()
        .filter_map(|feed| store.get(feed)?.time_span())
        .map(|(oldest, _)| oldest)
        .reduce(f64::min);
    let (from_ms, to_ms) = window.range(end_ms, oldest);
    let reduced: Vec<Vec<Sample>> = feeds
        .iter()
        .map(|feed| {
            let mut points = Vec::new();
            if let Some(series) = store.get(feed) {
                decimate(
                    series.window(from_ms, to_ms),
                    from_ms,
                    to_ms,
                    width as usize,
                    &mut points,
                );
            }
            points
        })
        .collect();
    let lines: Vec<Line> = reduced
        .iter()
        .enumerate()
        .map(|(colour, points)| Line { points, colour })
        .collect();
    let empty_message = match window.duration_ms() {
        Some(_) => format!("No numbers in the last {}", window.label()),
        None => "No numbers yet".to_owned(),
    };
    let frame = draw_lines(
        canvas,
        &lines,
        (from_ms, to_ms),
        pixel_ratio,
        &empty_message,
    )?;
    Ok(Some(Drawn { frame, pixel_ratio }))
}

/// Draws `lines` (already decimated) over `range` on `canvas`, in the page's colours and
/// the reader's time zone.
pub fn draw_lines(
    canvas: &web_sys::HtmlCanvasElement,
    lines: &[Line<'_>],
    (from_ms, to_ms): (f64, f64),
    pixel_ratio: f64,
    empty_message: &str,
) -> Result<PlotFrame, String> {
    let theme = ChartTheme::from_css(root_custom_property);
    let backend = ChartCanvasBackend::new(canvas)
        .ok_or_else(|| "this browser gave the chart no 2D canvas".to_owned())?;
    draw_chart(
        backend,
        &ChartRequest {
            from_ms,
            to_ms,
            lines,
            theme: &theme,
            scale: pixel_ratio,
            zone: &BrowserZone,
            empty_message,
        },
    )
}

/// The read-out at `time_ms`: each feed's nearest number inside the drawn window.
fn read_out(
    store: &FeedStore,
    feeds: &[FeedRef],
    drawn: &Drawn,
    time_ms: f64,
    now_ms: f64,
) -> Option<Readout> {
    let frame = &drawn.frame;
    let readings: Vec<Reading> = feeds
        .iter()
        .enumerate()
        .filter_map(|(colour, feed)| {
            let sample = store.get(feed)?.nearest_number(time_ms)?;
            let visible = sample.time_ms >= frame.from_ms && sample.time_ms <= frame.to_ms;
            visible.then(|| Reading {
                name: feed.short_name(),
                colour,
                sample,
                x: frame.x_of(sample.time_ms) / drawn.pixel_ratio,
                y: frame.y_of(sample.value) / drawn.pixel_ratio,
            })
        })
        .collect();
    let first = readings.first()?;
    Some(Readout {
        time_text: readout_time(first.sample.time_ms, now_ms, &BrowserZone),
        x: first.x,
        readings,
    })
}
