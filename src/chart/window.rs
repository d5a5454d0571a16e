//! Which stretch of time a chart shows, and pausing it.

/// The visible time window of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimeWindow {
    /// The last five minutes.
    #[default]
    FiveMinutes,
    /// The last hour.
    Hour,
    /// The last 24 hours.
    Day,
    /// Everything kept.
    All,
}

impl TimeWindow {
    /// Every window, in menu order, with a stable id and a label.
    pub const ALL: [(TimeWindow, &'static str, &'static str); 4] = [
        (TimeWindow::FiveMinutes, "5m", "5 min"),
        (TimeWindow::Hour, "1h", "1 h"),
        (TimeWindow::Day, "24h", "24 h"),
        (TimeWindow::All, "all", "All"),
    ];

    /// The window with id `id`, or the default.
    pub fn from_id(id: &str) -> Self {
        Self::ALL
            .iter()
            .find(|(_, i, _)| *i == id)
            .map_or_else(Self::default, |(window, _, _)| *window)
    }

    /// The stable id, for saved layouts and element attributes.
    pub fn id(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(window, _, _)| *window == self)
            .map_or("5m", |(_, id, _)| id)
    }

    /// The label, for buttons and descriptions.
    pub fn label(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(window, _, _)| *window == self)
            .map_or("5 min", |(_, _, label)| label)
    }

    /// The window's length, `None` for everything.
    pub fn duration_ms(self) -> Option<f64> {
        match self {
            Self::FiveMinutes => Some(5.0 * 60_000.0),
            Self::Hour => Some(3_600_000.0),
            Self::Day => Some(86_400_000.0),
            Self::All => None,
        }
    }

    /// The time range to show, ending at `end_ms` (now, or when the chart was paused).
    /// `oldest_ms` is the oldest kept point of the chart's feeds, for [`TimeWindow::All`].
    pub fn range(self, end_ms: f64, oldest_ms: Option<f64>) -> (f64, f64) {
        let start = match self.duration_ms() {
            Some(duration) => end_ms - duration,
            // At least a minute, so a young feed is not drawn edge to edge.
            None => oldest_ms.map_or(end_ms - 60_000.0, |oldest| oldest.min(end_ms - 60_000.0)),
        };
        (start, end_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_end_now_and_all_starts_at_the_oldest_point() {
        let now = 10_000_000.0;
        assert_eq!(
            TimeWindow::FiveMinutes.range(now, None),
            (now - 300_000.0, now)
        );
        assert_eq!(
            TimeWindow::Day.range(now, Some(0.0)),
            (now - 86_400_000.0, now)
        );
        assert_eq!(TimeWindow::All.range(now, Some(1000.0)), (1000.0, now));
        assert_eq!(
            TimeWindow::All.range(now, Some(now - 5.0)),
            (now - 60_000.0, now)
        );
        assert_eq!(TimeWindow::All.range(now, None), (now - 60_000.0, now));
    }

    #[test]
    fn ids_round_trip_and_unknown_ids_fall_back() {
        for (window, id, _) in TimeWindow::ALL {
            assert_eq!(TimeWindow::from_id(id), window);
            assert_eq!(window.id(), id);
        }
        assert_eq!(TimeWindow::from_id("week"), TimeWindow::FiveMinutes);
    }
}
