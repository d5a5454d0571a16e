//! The y axis: a range widened to round numbers, ticks on a 1-2-5 ladder, and labels with as
//! many decimals as the step needs (and k/M/G for big numbers).

/// A value range with its ticks.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueScale {
    /// Bottom of the axis.
    pub min: f64,
    /// Top of the axis.
    pub max: f64,
    /// Distance between ticks.
    pub step: f64,
}

impl ValueScale {
    /// A scale covering `low..=high` with at most about `max_ticks` ticks at round values.
    /// A flat or empty range is widened so a line still sits inside the chart.
    pub fn covering(low: f64, high: f64, max_ticks: usize) -> Self {
        let (low, high) = match (low.is_finite(), high.is_finite()) {
            (true, true) if low <= high => (low, high),
            (true, true) => (high, low),
            _ => (0.0, 1.0),
        };
        let (low, high) = if high - low > high.abs().max(low.abs()) * 1e-12 {
            (low, high)
        } else {
            // A flat line: give it a little room around its value.
            let pad = if low == 0.0 { 1.0 } else { low.abs() * 0.1 };
            (low - pad, high + pad)
        };
        let step = nice_step((high - low) / max_ticks.max(2) as f64);
        let min = (low / step).floor() * step;
        let max = (high / step).ceil() * step;
        Self { min, max, step }
    }

    /// The tick values from bottom to top.
    pub fn ticks(&self) -> Vec<f64> {
        let count = ((self.max - self.min) / self.step)
            .round()
            .clamp(0.0, 1000.0) as usize;
        (0..=count)
            .map(|i| self.min + self.step * i as f64)
            // Snap away float dust so -0.0000001 prints as 0.
            .map(|v| if v.abs() < self.step * 1e-9 { 0.0 } else { v })
            .collect()
    }

    /// A tick label for `value` on this scale: `21.5`, `1.25k`, `3M`.
    pub fn label(&self, value: f64) -> String {
        let magnitude = self.min.abs().max(self.max.abs());
        let (divisor, suffix) = match magnitude {
            m if m >= 1e9 => (1e9, "G"),
            m if m >= 1e6 => (1e6, "M"),
            m if m >= 1e4 => (1e3, "k"),
            _ => (1.0, ""),
        };
        let decimals = decimals_for(self.step / divisor);
        format!("{:.*}{suffix}", decimals, value / divisor)
    }
}

/// The smallest step on the 1-2-5 ladder (…, 0.5, 1, 2, 5, 10, …) at least `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 2.5 {
        2.5
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// Decimals needed to tell ticks `step` apart.
fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    let mut decimals = 0;
    let mut scaled = step;
    while decimals < 8 && (scaled - scaled.round()).abs() > 1e-9 * scaled.abs().max(1.0) {
        scaled *= 10.0;
        decimals += 1;
    }
    decimals
}

/// A value for people: up to `max_decimals` decimals without trailing zeros.
pub fn format_reading(value: f64, max_decimals: usize) -> String {
    let text = format!("{value:.max_decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "-0" {
        "0".to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_widens_to_round_ticks() {
        let scale = ValueScale::covering(20.3, 23.9, 6);
        assert_eq!((scale.min, scale.max, scale.step), (20.0, 24.0, 1.0));
        assert_eq!(scale.ticks(), vec![20.0, 21.0, 22.0, 23.0, 24.0]);
        assert_eq!(scale.label(21.0), "21");
        let fine = ValueScale::covering(0.12, 0.31, 5);
        assert_eq!(fine.step, 0.05);
        assert_eq!(fine.label(0.15), "0.15");
        let quarter = ValueScale::covering(0.0, 1.0, 4);
        assert_eq!(quarter.step, 0.25);
        assert_eq!(quarter.label(0.5), "0.50");
    }

    #[test]
    fn flat_and_reversed_and_broken_ranges_still_make_a_scale() {
        let flat = ValueScale::covering(50.0, 50.0, 5);
        assert!(flat.min < 50.0 && flat.max > 50.0, "{flat:?}");
        let zero = ValueScale::covering(0.0, 0.0, 5);
        assert!(zero.min < 0.0 && zero.max > 0.0);
        assert_eq!(
            ValueScale::covering(9.0, 1.0, 5),
            ValueScale::covering(1.0, 9.0, 5)
        );
        let broken = ValueScale::covering(f64::NAN, f64::INFINITY, 5);
        assert_eq!((broken.min, broken.max), (0.0, 1.0));
        assert!(ValueScale::covering(-0.3, 0.3, 6).ticks().contains(&0.0));
    }

    #[test]
    fn big_numbers_get_a_prefix_and_readings_lose_trailing_zeros() {
        let scale = ValueScale::covering(0.0, 2_500_000.0, 5);
        assert_eq!(scale.label(1_500_000.0), "1.5M");
        let thousands = ValueScale::covering(10_000.0, 20_000.0, 5);
        assert_eq!(thousands.label(12_000.0), "12k");
        assert_eq!(format_reading(21.50, 2), "21.5");
        assert_eq!(format_reading(-0.001, 2), "0");
        assert_eq!(format_reading(1013.0, 1), "1013");
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(0.07), 0.1);
    }
}
