//! The chart drawn on a recording backend: what lines, labels and colours reach the canvas.

use feedboard::chart::draw::{draw_chart, ChartRequest, Line};
use feedboard::chart::theme::ChartTheme;
use feedboard::chart::time_axis::FixedOffset;
use feedboard::feeds::decimate::decimate;
use feedboard::feeds::series::Sample;
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

/// Remembers every path and text drawn.
#[derive(Default)]
struct Recorder {
    size: (u32, u32),
    paths: Vec<(Vec<BackendCoord>, (u8, u8, u8))>,
    dots: Vec<(BackendCoord, (u8, u8, u8))>,
    texts: Vec<String>,
}

#[derive(Debug)]
struct NoError;
impl std::fmt::Display for NoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no error")
    }
}
impl std::error::Error for NoError {}

impl DrawingBackend for &mut Recorder {
    type ErrorType = NoError;
    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }
    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: BackendColor,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        self.paths
            .push((path.into_iter().collect(), style.color().rgb));
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        _radius: u32,
        style: &S,
        _fill: bool,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        self.dots.push((center, style.color().rgb));
        Ok(())
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        _style: &S,
        _pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        self.texts.push(text.to_owned());
        Ok(())
    }
}

// 2026-11-23T18:00:00Z
const T0: f64 = 1_795_456_800_000.0;

fn rgb(colour: RGBColor) -> (u8, u8, u8) {
    (colour.0, colour.1, colour.2)
}

#[test]
fn two_series_draw_in_their_own_colours_inside_the_plot_with_time_labels() {
    let theme = ChartTheme::default();
    let temperature: Vec<Sample> = (0..300)
        .map(|s| Sample {
            time_ms: T0 + f64::from(s) * 1000.0,
            value: 21.0 + f64::from(s % 7) * 0.5,
        })
        .collect();
    let humidity: Vec<Sample> = (0..300)
        .map(|s| Sample {
            time_ms: T0 + f64::from(s) * 1000.0,
            value: 60.0 - f64::from(s % 5),
        })
        .collect();
    let lines = [
        Line {
            points: &temperature,
            colour: 0,
        },
        Line {
            points: &humidity,
            colour: 1,
        },
    ];
    let mut recorder = Recorder {
        size: (800, 300),
        ..Recorder::default()
    };
    let frame = draw_chart(
        &mut recorder,
        &ChartRequest {
            from_ms: T0,
            to_ms: T0 + 300_000.0,
            lines: &lines,
            theme: &theme,
            scale: 1.0,
            zone: &FixedOffset(0),
            empty_message: "no data",
        },
    )
    .expect("draws");

    assert_eq!(frame.points_drawn, 600);
    assert!(frame.y_min <= 21.0 && frame.y_max >= 60.0, "{frame:?}");
    for (index, expected_len) in [(0, 300), (1, 300)] {
        let colour = rgb(theme.series_colour(index));
        let path = recorder
            .paths
            .iter()
            .find(|(_, c)| *c == colour)
            .unwrap_or_else(|| panic!("no line in series colour {index}"));
        assert_eq!(path.0.len(), expected_len);
        for &(x, y) in &path.0 {
            assert!(
                frame.x_pixels.contains(&x) || x == frame.x_pixels.end,
                "x {x}"
            );
            assert!(
                y >= frame.y_pixels.start && y <= frame.y_pixels.end,
                "y {y}"
            );
        }
    }
    for label in ["18:01", "18:04", "20", "60"] {
        assert!(
            recorder.texts.iter().any(|t| t == label),
            "{label} in {:?}",
            recorder.texts
        );
    }
    assert!(!recorder.texts.iter().any(|t| t == "no data"));
}

#[test]
fn an_empty_window_says_so_and_a_single_point_is_a_dot() {
    let theme = ChartTheme::default();
    let mut recorder = Recorder {
        size: (400, 200),
        ..Recorder::default()
    };
    let request = |lines| ChartRequest {
        from_ms: T0,
        to_ms: T0 + 60_000.0,
        lines,
        theme: &theme,
        scale: 2.0,
        zone: &FixedOffset(0),
        empty_message: "No data in the last 5 min",
    };
    draw_chart(&mut recorder, &request(&[])).expect("draws");
    assert!(recorder
        .texts
        .iter()
        .any(|t| t == "No data in the last 5 min"));

    let one = [Sample {
        time_ms: T0 + 30_000.0,
        value: 5.0,
    }];
    let mut recorder = Recorder {
        size: (400, 200),
        ..Recorder::default()
    };
    let frame = draw_chart(
        &mut recorder,
        &request(&[Line {
            points: &one,
            colour: 2,
        }]),
    )
    .expect("draws");
    assert_eq!(recorder.dots.len(), 1);
    assert_eq!(recorder.dots[0].1, rgb(theme.series_colour(2)));
    let (x, _) = recorder.dots[0].0;
    assert!((f64::from(x) - frame.x_of(T0 + 30_000.0)).abs() <= 1.0);
    assert!((frame.time_at(frame.x_of(T0 + 30_000.0)) - (T0 + 30_000.0)).abs() < 200.0);
}

#[test]
fn a_decimated_million_points_draw_as_a_few_thousand_with_the_same_extremes() {
    let theme = ChartTheme::default();
    let series: Vec<Sample> = (0..1_000_000)
        .map(|i| Sample {
            time_ms: T0 + f64::from(i) * 10.0,
            value: (f64::from(i) / 5000.0).sin() * 10.0 + if i == 123_456 { 100.0 } else { 0.0 },
        })
        .collect();
    let to = T0 + 10_000_000.0;
    let mut reduced = Vec::new();
    decimate(series.iter().copied(), T0, to, 1600, &mut reduced);
    assert!(reduced.len() <= 6400);
    let mut recorder = Recorder {
        size: (1600, 400),
        ..Recorder::default()
    };
    let frame = draw_chart(
        &mut recorder,
        &ChartRequest {
            from_ms: T0,
            to_ms: to,
            lines: &[Line {
                points: &reduced,
                colour: 0,
            }],
            theme: &theme,
            scale: 1.0,
            zone: &FixedOffset(0),
            empty_message: "",
        },
    )
    .expect("draws");
    let peak = series.iter().map(|s| s.value).fold(f64::MIN, f64::max);
    assert!(
        peak > 90.0 && frame.y_max >= peak,
        "the spike sets the scale: {frame:?}"
    );
    let line = &recorder
        .paths
        .iter()
        .find(|(_, c)| *c == rgb(theme.series_colour(0)))
        .expect("line")
        .0;
    let top = line.iter().map(|p| p.1).min().expect("points");
    assert!(
        (f64::from(top) - frame.y_of(peak)).abs() <= 1.0,
        "the spike is drawn at its height"
    );
}
