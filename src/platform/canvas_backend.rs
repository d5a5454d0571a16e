//! The canvas as a plotters backend, with text measured by the canvas itself.
//!
//! plotters-canvas draws well, but leaves measuring text to plotters' web font code, which
//! adds a styled `<span>` to the page and reads its size: a forced page layout for every tick
//! label of every redraw (and a `style` attribute a strict Content-Security-Policy refuses).
//! `measureText` on the canvas's own context gives the same answer without touching the page.

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
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
        self.canvas.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        colour: BackendColor,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.canvas.draw_pixel(point, colour)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.canvas.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.canvas.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
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
        self.canvas.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.canvas.fill_polygon(vertices, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        position: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.canvas.draw_text(text, style, position)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        // The same font string plotters-canvas draws with.
        let font = format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        );
        let known = MEASURED.with(|measured| {
            measured
                .borrow()
                .get(&font)
                .and_then(|widths| widths.get(text))
                .copied()
        });
        let width = known.unwrap_or_else(|| {
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
