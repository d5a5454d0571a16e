//! Painting a chart on its canvas: sized for the screen, each feed decimated to the canvas
//! width, drawn by `crate::chart` in the page's colours and the reader's time zone.

use crate::chart::draw::{draw_chart, ChartRequest, Line, PlotFrame};
use crate::chart::theme::ChartTheme;
use crate::chart::window::TimeWindow;
use crate::feeds::decimate::decimate;
use crate::feeds::series::Sample;
use crate::feeds::store::FeedStore;
use crate::platform::canvas_backend::ChartCanvasBackend;
use crate::platform::css::root_custom_property;
use crate::platform::local_zone::BrowserZone;
use crate::service::feed_ref::FeedRef;
use std::cell::Cell;

thread_local! {
    /// The theme read from the stylesheet, light and dark: reading it computes the page's style,
    /// which every chart of every frame would otherwise do again for the same answer.
    static THEMES: Cell<[Option<ChartTheme>; 2]> = const { Cell::new([None, None]) };
}

/// The page's chart colours in the colour scheme shown (`dark`), read once per scheme (kept
/// only once the stylesheet has answered: before it has loaded, the defaults are not cached).
fn theme(dark: bool) -> ChartTheme {
    THEMES.with(|themes| {
        let mut known = themes.get();
        let slot = &mut known[usize::from(dark)];
        if let Some(theme) = slot {
            return *theme;
        }
        let theme = ChartTheme::from_css(root_custom_property);
        if root_custom_property("--panel").is_some() {
            *slot = Some(theme);
            themes.set(known);
        }
        theme
    })
}

/// The last drawing's geometry, to map pointer positions back to data.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// Where the plot area is and what it spans.
    pub frame: PlotFrame,
    /// Device pixels per CSS pixel when it was drawn.
    pub pixel_ratio: f64,
}

/// What to draw: these feeds over `window` ending at `end_ms`.
pub struct View<'a> {
    /// The chart's feeds, in colour order.
    pub feeds: &'a [FeedRef],
    /// The time window.
    pub window: TimeWindow,
    /// Its end, ms since the Unix epoch (now, or where the user paused).
    pub end_ms: f64,
    /// Whether the page is in its dark colour scheme.
    pub dark: bool,
}

/// Sizes the canvas for the screen and draws; `Ok(None)` when it has no size (hidden).
pub fn draw_on(
    canvas: &web_sys::HtmlCanvasElement,
    store: &FeedStore,
    view: &View<'_>,
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
    let oldest = view
        .feeds
        .iter()
        .filter_map(|feed| store.get(feed)?.time_span())
        .map(|(oldest, _)| oldest)
        .reduce(f64::min);
    let (from_ms, to_ms) = view.window.range(view.end_ms, oldest);
    let reduced: Vec<Vec<Sample>> = view
        .feeds
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
    let empty_message = match view.window.duration_ms() {
        Some(_) => format!("No numbers in the last {}", view.window.label()),
        None => "No numbers yet".to_owned(),
    };
    let frame = draw_lines(
        canvas,
        &lines,
        (from_ms, to_ms),
        (pixel_ratio, view.dark),
        &empty_message,
    )?;
    Ok(Some(Drawn { frame, pixel_ratio }))
}

/// Draws `lines` (already decimated) over `range` on `canvas` at `pixel_ratio`, in the page's
/// colours (dark or not) and the reader's time zone.
pub fn draw_lines(
    canvas: &web_sys::HtmlCanvasElement,
    lines: &[Line<'_>],
    (from_ms, to_ms): (f64, f64),
    (pixel_ratio, dark): (f64, bool),
    empty_message: &str,
) -> Result<PlotFrame, String> {
    let theme = theme(dark);
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
