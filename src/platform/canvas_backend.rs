//! The canvas as a plotters backend, with text measured by the canvas itself.
//!
//! plotters-canvas draws well, but leaves measuring text to plotters' web font code, which
//! adds a styled `<span>` to the page and reads its size: a forced page layout for every tick
//! label of every redraw (and a `style` attribute a strict Content-Security-Policy refuses).
//! `measureText` on the canvas's own context gives the same answer without touching the page.
//!
//! Straight lines (grid and axes) of one style are stroked as one path, and text state (font,
//! alignment, colour) is set only when it changes: a redraw of a small chart is mostly such
//! calls, each a trip into the browser, and setting a font makes the browser parse it.

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsCast;

/// Text widths measured so far, by font and text, shared by every chart: tick labels repeat
/// from frame to frame, and setting a font and measuring cost a call into the browser each.
/// A font's widths are emptied when they grow past [`MEASURED_MOST`] (labels of times move on).
const MEASURED_MOST: usize = 2048;

thread_local! {
    /// Font → text → width: a hit is found without copying the text.
    static MEASURED: RefCell<HashMap<String, HashMap<String, f64>>> = RefCell::new(HashMap::new());
}

/// A plotters backend drawing on a `<canvas>`.
pub struct ChartCanvasBackend {
    canvas: CanvasBackend,
    context: web_sys::CanvasRenderingContext2d,
    /// Straight lines not yet stroked, all of `lines_style`.
    lines: Vec<((f64, f64), (f64, f64))>,
    lines_style: Option<LineStyle>,
    /// The context's text state as last set here; `None` once something else may have set it
    /// (a cell: measuring text, through `&self`, sets the font).
    text: RefCell<Option<TextState>>,
}

/// A stroke's colour and width (compared as values: the colour's text is only made when the
/// lines are stroked, not for every line gathered).
#[derive(Debug, Clone, Copy, PartialEq)]
struct LineStyle {
    rgb: (u8, u8, u8),
    alpha: f64,
    width: u32,
}

#[derive(Debug, Clone, PartialEq)]
struct TextState {
    font: String,
    colour: String,
    align: &'static str,
    baseline: &'static str,
}

/// The colour as plotters-canvas writes it.
fn css_colour(colour: BackendColor) -> String {
    let (r, g, b) = colour.rgb;
    format!("rgba({r},{g},{b},{})", colour.alpha)
}

/// Moves a horizontal or vertical line half a pixel, onto pixel centres, so a 1-pixel line is
/// sharp (as plotters-canvas does).
fn on_pixel_centres(from: BackendCoord, to: BackendCoord) -> ((f64, f64), (f64, f64)) {
    let (mut from, mut to) = (
        (f64::from(from.0), f64::from(from.1)),
        (f64::from(to.0), f64::from(to.1)),
    );
    if from.0 == to.0 {
        from.0 -= 0.5;
        to.0 -= 0.5;
    }
    if from.1 == to.1 {
        from.1 -= 0.5;
        to.1 -= 0.5;
    }
    (from, to)
}

impl ChartCanvasBackend {
    /// Strokes the lines gathered so far, in one path.
    fn flush_lines(&mut self) {
        let Some(style) = self.lines_style.take() else {
            return;
        };
        let context = &self.context;
        context.begin_path();
        context.set_stroke_style_str(&css_colour(BackendColor {
            rgb: style.rgb,
            alpha: style.alpha,
        }));
        context.set_line_width(f64::from(style.width));
        for (from, to) in self.lines.drain(..) {
            context.move_to(from.0, from.1);
            context.line_to(to.0, to.1);
        }
        context.stroke();
    }

    /// Before a drawing call handed to plotters-canvas: pending lines first, and forget the text
    /// state (it sets fill styles and fonts itself).
    fn before_other_drawing(&mut self) {
        self.flush_lines();
        self.text.take();
    }
}

impl ChartCanvasBackend {
    /// The backend for `canvas`; `None` if the browser gives it no 2D context.
    pub fn new(canvas: &web_sys::HtmlCanvasElement) -> Option<Self> {
        let context = canvas
            .get_context("2d")
            .ok()??
            .dyn_into::<web_sys::CanvasRenderingContext2d>()
            .ok()?;
        Some(Self {
            canvas: CanvasBackend::with_canvas_object(canvas.clone())?,
            context,
            lines: Vec::new(),
            lines_style: None,
            text: RefCell::new(None),
        })
    }
}

/// plotters-canvas keeps its error type private; it is reachable through the trait.
type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;

impl DrawingBackend for ChartCanvasBackend {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.canvas.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.canvas.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.flush_lines();
        self.canvas.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        colour: BackendColor,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.before_other_drawing();
        self.canvas.draw_pixel(point, colour)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let colour = style.color();
        if colour.alpha == 0.0 {
            return Ok(());
        }
        let line_style = LineStyle {
            rgb: colour.rgb,
            alpha: colour.alpha,
            width: style.stroke_width(),
        };
        if self.lines_style != Some(line_style) {
            self.flush_lines();
            self.lines_style = Some(line_style);
        }
        self.lines.push(on_pixel_centres(from, to));
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.before_other_drawing();
        self.canvas.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.before_other_drawing();
        // Bevel joins are the cheapest to rasterise, and a decimated line turns sharply at
        // nearly every point.
        self.context.set_line_join("bevel");
        self.canvas.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.before_other_drawing();
        self.canvas.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.before_other_drawing();
        self.canvas.fill_polygon(vertices, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        position: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let colour = style.color();
        if colour.alpha == 0.0 {
            return Ok(());
        }
        if !matches!(style.transform(), FontTransform::None) {
            // Turned text (the charts draw none) goes the general way.
            self.before_other_drawing();
            return self.canvas.draw_text(text, style, position);
        }
        self.flush_lines();
        let wanted = TextState {
            font: font_of(style),
            colour: css_colour(colour),
            align: match style.anchor().h_pos {
                HPos::Left => "start",
                HPos::Right => "end",
                HPos::Center => "center",
            },
            baseline: match style.anchor().v_pos {
                VPos::Top => "top",
                VPos::Center => "middle",
                VPos::Bottom => "bottom",
            },
        };
        let known = self.text.take();
        let context = &self.context;
        if known.as_ref().map(|k| &k.font) != Some(&wanted.font) {
            context.set_font(&wanted.font);
        }
        if known.as_ref().map(|k| &k.colour) != Some(&wanted.colour) {
            context.set_fill_style_str(&wanted.colour);
        }
        if known.as_ref().map(|k| k.align) != Some(wanted.align) {
            context.set_text_align(wanted.align);
        }
        if known.as_ref().map(|k| k.baseline) != Some(wanted.baseline) {
            context.set_text_baseline(wanted.baseline);
        }
        self.text.replace(Some(wanted));
        self.context
            .fill_text(text, f64::from(position.0), f64::from(position.1))
            .map_err(|error| {
                DrawingErrorKind::FontError(Box::new(LabelRefused(format!(
                    "the canvas refused a label: {error:?}"
                ))))
            })
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        let font = font_of(style);
        let known = MEASURED.with(|measured| {
            measured
                .borrow()
                .get(&font)
                .and_then(|widths| widths.get(text))
                .copied()
        });
        let width = known.unwrap_or_else(|| {
            // Measuring sets the context's font: the text state is no longer known.
            self.text.take();
            self.context.set_font(&font);
            let width = self
                .context
                .measure_text(text)
                .map(|metrics| metrics.width())
                .unwrap_or(style.size() * 0.6 * text.chars().count() as f64);
            MEASURED.with(|measured| {
                let mut measured = measured.borrow_mut();
                let widths = measured.entry(font).or_default();
                if widths.len() >= MEASURED_MOST {
                    widths.clear();
                }
                widths.insert(text.to_owned(), width);
            });
            width
        });
        Ok((
            width.ceil().max(0.0) as u32,
            style.size().ceil().max(0.0) as u32,
        ))
    }
}

/// A label the canvas would not draw. Its own type rather than a `String` turned into an error:
/// that one's `Debug` quotes the text with core's Unicode printability tables, about 4 KB of
/// download for a message that is only ever displayed.
struct LabelRefused(String);

impl std::fmt::Display for LabelRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for LabelRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LabelRefused {}

/// The canvas font for a text style (as plotters-canvas writes it).
fn font_of<S: BackendTextStyle>(style: &S) -> String {
    format!(
        "{} {}px {}",
        style.style().as_str(),
        style.size(),
        style.family().as_str()
    )
}
