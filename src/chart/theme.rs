//! Chart colours. The page's stylesheet is the one place colours are chosen (light and dark);
//! the chart reads them through a lookup of CSS custom properties, with built-in fallbacks.

use plotters::style::RGBColor;

/// Number of series colours.
pub const SERIES_COLOURS: usize = 8;

/// Colours a chart is drawn with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartTheme {
    /// Canvas background.
    pub background: RGBColor,
    /// Tick labels and messages.
    pub text: RGBColor,
    /// Grid lines.
    pub grid: RGBColor,
    /// Axis lines.
    pub axis: RGBColor,
    /// One colour per series, in order.
    pub series: [RGBColor; SERIES_COLOURS],
}

impl Default for ChartTheme {
    /// The light theme.
    fn default() -> Self {
        Self {
            background: RGBColor(0xff, 0xff, 0xff),
            text: RGBColor(0x5d, 0x6b, 0x7c),
            grid: RGBColor(0xe6, 0xea, 0xef),
            axis: RGBColor(0xc2, 0xcb, 0xd6),
            series: [
                RGBColor(0x0f, 0x76, 0x6e),
                RGBColor(0x25, 0x63, 0xeb),
                RGBColor(0xd9, 0x77, 0x06),
                RGBColor(0x7c, 0x3a, 0xed),
                RGBColor(0xe1, 0x1d, 0x48),
                RGBColor(0x16, 0xa3, 0x4a),
                RGBColor(0x47, 0x55, 0x69),
                RGBColor(0x08, 0x91, 0xb2),
            ],
        }
    }
}

impl ChartTheme {
    /// The theme from CSS custom properties (`--panel`, `--muted`, `--grid`, `--border`,
    /// `--series-0` … `--series-7`) as `#rrggbb`; anything missing or unreadable keeps the
    /// light default.
    pub fn from_css(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut theme = Self::default();
        let read = |name: &str, fallback: RGBColor| {
            lookup(name)
                .and_then(|value| parse_hex_colour(&value))
                .unwrap_or(fallback)
        };
        theme.background = read("--panel", theme.background);
        theme.text = read("--muted", theme.text);
        theme.grid = read("--grid", theme.grid);
        theme.axis = read("--border", theme.axis);
        for (index, colour) in theme.series.iter_mut().enumerate() {
            *colour = read(&format!("--series-{index}"), *colour);
        }
        theme
    }

    /// The colour of series number `index` (colours repeat after eight).
    pub fn series_colour(&self, index: usize) -> RGBColor {
        self.series[index % SERIES_COLOURS]
    }
}

/// `#rrggbb` or `#rgb` (surrounding spaces allowed) as a colour.
pub fn parse_hex_colour(text: &str) -> Option<RGBColor> {
    let hex = text.trim().strip_prefix('#')?;
    let value = |range: std::ops::Range<usize>| u8::from_str_radix(hex.get(range)?, 16).ok();
    match hex.len() {
        6 => Some(RGBColor(value(0..2)?, value(2..4)?, value(4..6)?)),
        3 => {
            let short = |i: usize| value(i..i + 1).map(|v| v * 17);
            Some(RGBColor(short(0)?, short(1)?, short(2)?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_colours_override_the_defaults_and_bad_ones_are_ignored() {
        let theme = ChartTheme::from_css(|name| match name {
            "--panel" => Some(" #18202a".into()),
            "--series-1" => Some("#abc".into()),
            "--muted" => Some("rgb(1,2,3)".into()),
            _ => None,
        });
        assert_eq!(theme.background, RGBColor(0x18, 0x20, 0x2a));
        assert_eq!(theme.series_colour(1), RGBColor(0xaa, 0xbb, 0xcc));
        assert_eq!(theme.text, ChartTheme::default().text);
        assert_eq!(theme.series_colour(9), theme.series_colour(1));
        assert_eq!(parse_hex_colour("#12345"), None);
        assert_eq!(parse_hex_colour("#gg0000"), None);
    }
}
