//! Reducing a series to what a chart can show. A line drawn through the first, lowest, highest
//! and last point of every pixel column (the M4 method) lights exactly the pixels the full
//! series would, so a million points draw as at most four per column.

use super::series::Sample;

/// A column's candidates, each with its position in the input so they leave in time order.
#[derive(Clone, Copy)]
struct Column {
    index: i64,
    first: (usize, Sample),
    min: (usize, Sample),
    max: (usize, Sample),
    last: (usize, Sample),
}

impl Column {
    fn start(index: i64, position: usize, sample: Sample) -> Self {
        let entry = (position, sample);
        Self {
            index,
            first: entry,
            min: entry,
            max: entry,
            last: entry,
        }
    }

    fn add(&mut self, position: usize, sample: Sample) {
        if sample.value < self.min.1.value {
            self.min = (position, sample);
        }
        if sample.value > self.max.1.value {
            self.max = (position, sample);
        }
        self.last = (position, sample);
    }

    fn flush(&self, out: &mut Vec<Sample>) {
        let mut picks = [self.first, self.min, self.max, self.last];
        picks.sort_by_key(|(position, _)| *position);
        let mut previous = None;
        for (position, sample) in picks {
            if previous != Some(position) {
                out.push(sample);
                previous = Some(position);
            }
        }
    }
}

/// Appends to `out` the numeric `samples` (in time order) reduced to at most four per
/// pixel column, for a window from `from_ms` to `to_ms` drawn `columns` pixels wide. Samples
/// outside the window (the ones that lead a line to its edges) keep their own columns. Text
/// samples (NaN) are skipped.
pub fn decimate(
    samples: impl Iterator<Item = Sample>,
    from_ms: f64,
    to_ms: f64,
    columns: usize,
    out: &mut Vec<Sample>,
) {
    let span = to_ms - from_ms;
    let columns = columns.max(1) as f64;
    let scale = if span > 0.0 { columns / span } else { 0.0 };
    let column_of = |time_ms: f64| -> i64 {
        let column = ((time_ms - from_ms) * scale).floor();
        // Far outside the window: clamp, so one column holds everything beyond each edge.
        column.clamp(-1.0, columns) as i64
    };
    let mut current: Option<Column> = None;
    for (position, sample) in samples.enumerate().filter(|(_, s)| s.is_number()) {
        let index = column_of(sample.time_ms);
        match current.as_mut() {
            Some(column) if column.index == index => column.add(position, sample),
            _ => {
                if let Some(done) = current.take() {
                    done.flush(out);
                }
                current = Some(Column::start(index, position, sample));
            }
        }
    }
    if let Some(done) = current {
        done.flush(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(values: &[(f64, f64)]) -> Vec<Sample> {
        values
            .iter()
            .map(|&(time_ms, value)| Sample { time_ms, value })
            .collect()
    }

    fn run(input: &[Sample], from: f64, to: f64, columns: usize) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        decimate(input.iter().copied(), from, to, columns, &mut out);
        out.iter().map(|s| (s.time_ms, s.value)).collect()
    }

    #[test]
    fn each_column_keeps_its_first_lowest_highest_and_last_in_time_order() {
        let input = samples(&[
            (0.0, 5.0),
            (1.0, 9.0),
            (2.0, 1.0),
            (3.0, 6.0),
            (4.0, 4.0),
            (10.0, 7.0),
        ]);
        // Two columns of 10 ms each over 0..20.
        assert_eq!(
            run(&input, 0.0, 20.0, 2),
            vec![(0.0, 5.0), (1.0, 9.0), (2.0, 1.0), (4.0, 4.0), (10.0, 7.0)]
        );
    }

    #[test]
    fn a_million_points_reduce_to_at_most_four_per_column_keeping_the_extremes() {
        let input: Vec<Sample> = (0..1_000_000)
            .map(|i| Sample {
                time_ms: f64::from(i),
                value: (f64::from(i) / 1000.0).sin() + if i == 777_777 { 50.0 } else { 0.0 },
            })
            .collect();
        let out = run(&input, 0.0, 1_000_000.0, 800);
        assert!(out.len() <= 4 * 800, "{}", out.len());
        let highest = |values: &mut dyn Iterator<Item = f64>| values.fold(f64::MIN, f64::max);
        let lowest = |values: &mut dyn Iterator<Item = f64>| values.fold(f64::MAX, f64::min);
        assert_eq!(
            highest(&mut out.iter().map(|p| p.1)),
            highest(&mut input.iter().map(|s| s.value)),
            "the one spike survives"
        );
        assert_eq!(
            lowest(&mut out.iter().map(|p| p.1)),
            lowest(&mut input.iter().map(|s| s.value))
        );
        assert!(out.windows(2).all(|w| w[0].0 <= w[1].0), "time order kept");
    }

    #[test]
    fn text_samples_are_skipped_and_edges_keep_their_own_columns() {
        let input = samples(&[
            (-500.0, 1.0),
            (-400.0, 2.0),
            (5.0, f64::NAN),
            (6.0, 3.0),
            (900.0, 4.0),
        ]);
        assert_eq!(
            run(&input, 0.0, 100.0, 10),
            vec![(-500.0, 1.0), (-400.0, 2.0), (6.0, 3.0), (900.0, 4.0)]
        );
    }

    #[test]
    fn an_empty_or_zero_width_window_still_works() {
        assert!(run(&[], 0.0, 10.0, 100).is_empty());
        let input = samples(&[(5.0, 1.0), (5.0, 3.0), (5.0, 2.0)]);
        assert_eq!(
            run(&input, 5.0, 5.0, 0),
            vec![(5.0, 1.0), (5.0, 3.0), (5.0, 2.0)]
        );
    }
}
