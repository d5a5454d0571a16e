//! Drawing a line chart of one or more series with plotters, on any backend (the canvas in the
//! page, a recording backend in tests). Points arrive already decimated.

use super::theme::ChartTheme;
use super::time_axis::{tick_label, time_ticks, LocalZone};
use super::value_axis::ValueScale;
use crate::feeds::series::Sample;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

/// One line to draw.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    /// Points in time order (NaN values are skipped).
    pub points: &'a [Sample],
    /// Index into the theme's series colours.
    pub colour: usize,
}

/// What to draw.
pub struct ChartRequest<'a> {
    /// Left edge of the time axis, ms since the Unix epoch.
    pub from_ms: f64,
    /// Right edge of the time axis.
    pub to_ms: f64,
    /// The lines.
    pub lines: &'a [Line<'a>],
    /// Colours.
    pub theme: &'a ChartTheme,
    /// Device pixels per CSS pixel: fonts and strokes scale with it.
    pub scale: f64,
    /// The reader's time zone, for tick labels.
    pub zone: &'a dyn LocalZone,
    /// Shown in the middle when no line has a point in the window.
    pub empty_message: &'a str,
}

/// Where the plot ended up, in backend pixels, to map pointer positions back to data.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotFrame {
    /// Plot area, horizontally.
    pub x_pixels: Range<i32>,
    /// Plot area, vertically (top to bottom).
    pub y_pixels: Range<i32>,
    /// Time at the left and right edges.
    pub from_ms: f64,
    /// See `from_ms`.
    pub to_ms: f64,
    /// Value at the bottom edge.
    pub y_min: f64,
    /// Value at the top edge.
    pub y_max: f64,
    /// Points drawn, over all lines.
    pub points_drawn: usize,
}

impl PlotFrame {
    /// The time under horizontal pixel `x` (clamped to the plot).
    pub fn time_at(&self, x: f64) -> f64 {
        let width = f64::from((self.x_pixels.end - self.x_pixels.start).max(1));
        let fraction = ((x - f64::from(self.x_pixels.start)) / width).clamp(0.0, 1.0);
        self.from_ms + fraction * (self.to_ms - self.from_ms)
    }

    /// The horizontal pixel of `time_ms`.
    pub fn x_of(&self, time_ms: f64) -> f64 {
        let span = (self.to_ms - self.from_ms).max(f64::MIN_POSITIVE);
        let width = f64::from(self.x_pixels.end - self.x_pixels.start);
        f64::from(self.x_pixels.start) + (time_ms - self.from_ms) / span * width
    }

    /// The vertical pixel of `value`.
    pub fn y_of(&self, value: f64) -> f64 {
        let span = (self.y_max - self.y_min).max(f64::MIN_POSITIVE);
        let height = f64::from(self.y_pixels.end - self.y_pixels.start);
        f64::from(self.y_pixels.end) - (value - self.y_min) / span * height
    }
}

/// A linear axis whose grid lines sit exactly on ticks chosen beforehand.
struct TickedAxis {
    range: Range<f64>,
    ticks: Vec<f64>,
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let fraction = if span > 0.0 {
            (value - self.range.start) / span
        } else {
            0.5
        };
        let pixel = f64::from(limit.0) + fraction * f64::from(limit.1 - limit.0);
        // Far-off values (a spike, a point before the window) must not overflow i32.
        pixel.clamp(-1.0e6, 1.0e6).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// The lowest and highest numbers of the lines inside the time range, if any.
fn value_extent(lines: &[Line<'_>], from_ms: f64, to_ms: f64) -> Option<(f64, f64)> {
    lines
        .iter()
        .flat_map(|line| line.points.iter())
        .filter(|p| p.is_number() && p.value.is_finite())
        .filter(|p| p.time_ms >= from_ms && p.time_ms <= to_ms)
        .fold(None, |extent, p| match extent {
            None => Some((p.value, p.value)),
            Some((low, high)) => Some((p.value.min(low), p.value.max(high))),
        })
}

/// The line width in device pixels. A line with more points than pixel columns is a band of
/// min/max strokes: one device pixel draws the same band. A line whose segments are short (less
/// than [`SHORT_SEGMENT_PX`] on average) gets one CSS pixel, as uPlot draws by default: a wider
/// stroke of many short segments looks no better and takes the canvas several times as long
/// (1 000 points at 1200 px: 5.4 ms at 2 px against 0.7 ms at 1 px in software-rendered
/// Chromium). Sparser lines get a comfortable width.
pub fn stroke_width(points: usize, columns: usize, scale: f64) -> u32 {
    if points > columns {
        1
    } else if points * SHORT_SEGMENT_PX > columns {
        scale.round().max(1.0) as u32
    } else {
        (1.75 * scale).round().max(1.0) as u32
    }
}

/// See [`stroke_width`].
const SHORT_SEGMENT_PX: usize = 4;

/// Draws the chart onto `backend`, filling it entirely.
pub fn draw_chart<DB: DrawingBackend>(
    backend: DB,
    request: &ChartRequest<'_>,
) -> Result<PlotFrame, String> {
    draw(backend, request).map_err(|error| format!("the chart could not be drawn: {error}"))
}

fn draw<DB: DrawingBackend>(
    backend: DB,
    request: &ChartRequest<'_>,
) -> Result<PlotFrame, DrawingAreaErrorKind<DB::ErrorType>> {
    let root = backend.into_drawing_area();
    let theme = request.theme;
    root.fill(&theme.background)?;
    let (width, height) = root.dim_in_pixel();
    let scale = request.scale.clamp(0.5, 4.0);
    let font_px = 11.5 * scale;
    let (from_ms, to_ms) = (request.from_ms, request.to_ms.max(request.from_ms + 1.0));
    let extent = value_extent(request.lines, from_ms, to_ms);
    // A little headroom, so a line never runs along the frame.
    let (low, high) = extent.map_or((0.0, 1.0), |(low, high)| {
        let pad = (high - low) * 0.03;
        (low - pad, high + pad)
    });
    let y_tick_room = (f64::from(height) / (font_px * 3.0)).floor() as usize;
    let y_scale = ValueScale::covering(low, high, y_tick_room.clamp(2, 8));
    let x_tick_room = (f64::from(width) / (font_px * 7.0)).floor() as usize;
    let x_ticks = time_ticks(from_ms, to_ms, x_tick_room.clamp(2, 10), request.zone);
    let y_labels: Vec<String> = y_scale.ticks().iter().map(|v| y_scale.label(*v)).collect();
    let widest = y_labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1);
    let y_label_area = (widest as f64 * font_px * 0.66 + 12.0 * scale).ceil() as u32;

    let mut chart = ChartBuilder::on(&root)
        .margin_top((font_px * 0.8) as u32)
        .margin_right((14.0 * scale) as u32)
        .margin_left((4.0 * scale) as u32)
        .x_label_area_size((font_px * 2.2) as u32)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(
            TickedAxis {
                range: from_ms..to_ms,
                ticks: x_ticks.ticks.clone(),
            },
            TickedAxis {
                range: y_scale.min..y_scale.max,
                ticks: y_scale.ticks(),
            },
        )?;

    // The family as plotters' own value: from a &str it lower-cases the name with Unicode's case
    // tables, which cost the page 16 KB of download.
    let label_font = (FontFamily::SansSerif, font_px)
        .into_font()
        .color(&theme.text);
    let step_ms = x_ticks.step_ms;
    let zone = request.zone;
    let x_format = move |t: &f64| tick_label(*t, step_ms, zone);
    let y_format = |v: &f64| y_scale.label(*v);
    chart
        .configure_mesh()
        .x_labels(x_ticks.ticks.len().max(1))
        .y_labels(y_labels.len().max(1))
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .label_style(label_font.clone())
        .axis_style(ShapeStyle::from(&theme.axis).stroke_width(scale.round().max(1.0) as u32))
        .bold_line_style(ShapeStyle::from(&theme.grid).stroke_width(scale.round().max(1.0) as u32))
        .light_line_style(TRANSPARENT)
        .set_all_tick_mark_size((4.0 * scale) as i32)
        .draw()?;

    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
    let columns = usize::try_from(x_pixels.end - x_pixels.start).unwrap_or(0);
    let mut points_drawn = 0;
    for line in request.lines {
        let colour = theme.series_colour(line.colour);
        let points: Vec<(f64, f64)> = line
            .points
            .iter()
            .filter(|p| p.is_number() && p.value.is_finite())
            .map(|p| (p.time_ms, p.value))
            .collect();
        points_drawn += points.len();
        let stroke = stroke_width(points.len(), columns, scale);
        if points.len() == 1 {
            // A single point has no line: show it as a dot.
            chart.draw_series(
                points
                    .iter()
                    .map(|&p| Circle::new(p, stroke * 2, colour.filled())),
            )?;
        } else {
            chart.draw_series(LineSeries::new(points, colour.stroke_width(stroke)))?;
        }
    }

    if extent.is_none() {
        let centre = (
            (x_pixels.start + x_pixels.end) / 2,
            (y_pixels.start + y_pixels.end) / 2,
        );
        let message_font = label_font.pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text(request.empty_message, &message_font, centre)?;
    }
    root.present()?;
    Ok(PlotFrame {
        x_pixels,
        y_pixels,
        from_ms,
        to_ms,
        y_min: y_scale.min,
        y_max: y_scale.max,
        points_drawn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_thin_as_their_segments_shorten() {
        // 1 200 columns on a laptop (scale 1) and a phone (scale 2).
        assert_eq!(stroke_width(100, 1_200, 1.0), 2, "sparse: comfortable");
        assert_eq!(stroke_width(100, 1_200, 2.0), 4);
        assert_eq!(
            stroke_width(1_000, 1_200, 1.0),
            1,
            "short segments: one CSS pixel"
        );
        assert_eq!(stroke_width(1_000, 1_200, 2.0), 2);
        assert_eq!(
            stroke_width(5_000, 1_200, 2.0),
            1,
            "a band: one device pixel"
        );
    }
}
