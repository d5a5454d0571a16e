//! One feed's history: a bounded time series of its values, with locations and text values
//! beside it, plus what cards show at a glance (last value, age, count, rate, trend).

use super::rate::RateMeter;
use super::ring::BoundedRing;
use super::sample_ring::{SampleRing, Samples};
use crate::service::value::{Datum, Location, Value};

/// Default number of updates kept per feed.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Text values kept per feed are also bounded by their total size.
const TEXT_BYTES_PER_FEED: usize = 4 * 1024 * 1024;

/// One update's place in time. Text updates keep their place with a NaN value, so the series
/// stays the full, ordered record of the feed; charts skip them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Wall-clock time, ms since the Unix epoch.
    pub time_ms: f64,
    /// The number, or NaN for a text update.
    pub value: f64,
}

impl Sample {
    /// Whether this update carried a number.
    pub fn is_number(&self) -> bool {
        !self.value.is_nan()
    }
}

/// Something kept beside the samples, tagged with the lifetime index of its sample.
#[derive(Debug, Clone, PartialEq)]
struct Tagged<T> {
    index: u64,
    item: T,
}

/// The newest update of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestValue {
    /// Value and location.
    pub datum: Datum,
    /// When it arrived, ms since the Unix epoch.
    pub at_ms: f64,
}

/// What a card shows of a feed at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedGlance {
    /// The newest value.
    pub value: Value,
    /// Its location, if it had one.
    pub location: Option<Location>,
    /// When it arrived, ms since the Unix epoch.
    pub at_ms: f64,
    /// Updates over the feed's lifetime.
    pub count: u64,
    /// Change of the number over the last minute (see [`FeedSeries::trend`]).
    pub trend: Option<f64>,
}

/// The window [`FeedGlance::trend`] looks back over.
pub const TREND_WINDOW_MS: f64 = 60_000.0;

/// What one update of the feed was, for export.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow<'a> {
    /// When it arrived, ms since the Unix epoch.
    pub time_ms: f64,
    /// The value; `None` when a text value was dropped for size while its sample remained.
    pub value: Option<RowValue<'a>>,
    /// Where it was measured, if the update said.
    pub location: Option<Location>,
}

/// A value in a [`HistoryRow`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RowValue<'a> {
    /// A number.
    Number(f64),
    /// Text, as received.
    Text(&'a str),
}

/// A point of a feed's past, read from the service's history (not received live).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPoint {
    /// When the service stored it, ms since the Unix epoch.
    pub time_ms: f64,
    /// Value and location.
    pub datum: Datum,
}

/// What kind of history a batch of [`HistoryPoint`]s is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HistoryKind {
    /// Every point as stored.
    Raw,
    /// One point per interval, summarised by the service (Adafruit IO's chart data).
    Aggregated,
}

/// A history point and a kept update closer than this with the same value are one update:
/// the live copy was stamped on arrival, the history's by the service, moments apart.
const SAME_UPDATE_TOLERANCE_MS: f64 = 2_000.0;

/// A feed's bounded history.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedSeries {
    samples: SampleRing,
    texts: BoundedRing<Tagged<String>>,
    text_bytes: usize,
    locations: BoundedRing<Tagged<Location>>,
    latest: Option<LatestValue>,
    numbers: u64,
    rate: RateMeter,
    /// Updates received live over the feed's lifetime (history read back is not counted, so
    /// nothing watching the feed takes it for news).
    received: u64,
    /// The oldest time from which every update is kept one by one (received live or read as
    /// raw history): a summary of the service's is not wanted from there on.
    detailed_since_ms: Option<f64>,
    /// How often the series was rebuilt (history merged in): its points' places changed.
    generation: u64,
}

impl FeedSeries {
    /// An empty series keeping at most `capacity` updates.
    pub fn new(capacity: usize) -> Self {
        Self {
            samples: SampleRing::new(capacity),
            texts: BoundedRing::new(capacity),
            text_bytes: 0,
            locations: BoundedRing::new(capacity),
            latest: None,
            numbers: 0,
            rate: RateMeter::default(),
            received: 0,
            detailed_since_ms: None,
            generation: 0,
        }
    }

    /// Records an update that arrived at `at_ms`. Times never run backwards within a feed (a
    /// clock step back is clamped), so the series stays ordered for binary search.
    pub fn record(&mut self, datum: &Datum, at_ms: f64) {
        let newest = self.samples.newest().map_or(f64::MIN, |s| s.time_ms);
        let time_ms = if at_ms.is_finite() { at_ms } else { newest }.max(newest);
        self.push(&datum.value, datum.location, time_ms);
        self.received += 1;
        self.detailed_since_ms.get_or_insert(time_ms);
        self.rate.record(time_ms);
        self.latest = Some(LatestValue {
            datum: datum.clone(),
            at_ms: time_ms,
        });
    }

    /// Appends one update at `time_ms` (not before the newest) to the rings.
    fn push(&mut self, value: &Value, location: Option<Location>, time_ms: f64) {
        let index = self.samples.pushed();
        let value = match value {
            Value::Number(number) => {
                self.numbers += 1;
                *number
            }
            Value::Text(text) => {
                self.push_text(index, text);
                f64::NAN
            }
        };
        self.samples.push(Sample { time_ms, value });
        if let Some(location) = location {
            self.locations.push(Tagged {
                index,
                item: location,
            });
        }
        self.forget_before(self.samples.dropped());
    }

    /// Adds points of the feed's past read from the service, in time order among what is
    /// kept. A point that is already here (the same value within a moment of a kept update)
    /// is not added twice, and a summary point is not added where updates are kept one by
    /// one. Returns how many points were added.
    pub fn merge_history(&mut self, points: &[HistoryPoint], kind: HistoryKind) -> usize {
        let kept = self.points(self.first_index(), self.end_index());
        let detailed_since = self.detailed_since_ms;
        let mut kept = kept;
        if let (HistoryKind::Raw, Some(since)) = (kind, detailed_since) {
            // Everything before `since` is a summary: raw points reaching further back replace
            // the summary over their stretch.
            let oldest_raw = points
                .iter()
                .map(|p| p.time_ms)
                .filter(|t| t.is_finite())
                .fold(f64::INFINITY, f64::min);
            if oldest_raw < since {
                kept.retain(|k| k.time_ms < oldest_raw || k.time_ms >= since);
            }
        }
        let mut new: Vec<&HistoryPoint> = points
            .iter()
            .filter(|point| point.time_ms.is_finite())
            .filter(|point| {
                kind == HistoryKind::Raw || detailed_since.is_none_or(|d| point.time_ms < d)
            })
            .filter(|point| !already_kept(&kept, point))
            .collect();
        if new.is_empty() {
            return 0;
        }
        new.sort_by(|a, b| a.time_ms.total_cmp(&b.time_ms));
        new.dedup_by(|a, b| a.time_ms == b.time_ms && a.datum.value == b.datum.value);
        let added = new.len();
        if kind == HistoryKind::Raw {
            let oldest = new[0].time_ms;
            self.detailed_since_ms = Some(detailed_since.map_or(oldest, |d| d.min(oldest)));
        }
        let newest_is_kept = kept
            .last()
            .is_some_and(|last| new.last().is_some_and(|n| last.time_ms >= n.time_ms));
        // Rebuilt in time order (kept first where times are equal); the rings drop the oldest
        // if the merged history is longer than they hold.
        let mut merged: Vec<&HistoryPoint> = Vec::with_capacity(kept.len() + added);
        let (mut kept_iter, mut new_iter) = (kept.iter().peekable(), new.into_iter().peekable());
        loop {
            let take_kept = match (kept_iter.peek(), new_iter.peek()) {
                (Some(k), Some(n)) => k.time_ms <= n.time_ms,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_kept {
                kept_iter.next()
            } else {
                new_iter.next()
            };
            merged.extend(next);
        }
        let capacity = self.samples.bound();
        self.generation += 1;
        self.samples = SampleRing::new(capacity);
        self.texts = BoundedRing::new(capacity);
        self.locations = BoundedRing::new(capacity);
        self.text_bytes = 0;
        self.numbers = 0;
        for point in &merged {
            self.push(&point.datum.value, point.datum.location, point.time_ms);
        }
        if !newest_is_kept {
            self.latest = merged.last().map(|point| LatestValue {
                datum: point.datum.clone(),
                at_ms: point.time_ms,
            });
        }
        added
    }

    fn push_text(&mut self, index: u64, text: &str) {
        self.text_bytes += text.len();
        if let Some(evicted) = self.texts.push(Tagged {
            index,
            item: text.to_owned(),
        }) {
            self.text_bytes -= evicted.item.len();
        }
        while self.text_bytes > TEXT_BYTES_PER_FEED && self.texts.len() > 1 {
            if let Some(evicted) = self.texts.pop_oldest() {
                self.text_bytes -= evicted.item.len();
            }
        }
    }

    /// Drops texts and locations whose samples have left the ring.
    fn forget_before(&mut self, first_kept: u64) {
        while self.texts.oldest().is_some_and(|t| t.index < first_kept) {
            if let Some(evicted) = self.texts.pop_oldest() {
                self.text_bytes -= evicted.item.len();
            }
        }
        while self
            .locations
            .oldest()
            .is_some_and(|l| l.index < first_kept)
        {
            self.locations.pop_oldest();
        }
    }

    /// The newest update.
    pub fn latest(&self) -> Option<&LatestValue> {
        self.latest.as_ref()
    }

    /// The newest value with its age, count and trend, for cards.
    pub fn glance(&self) -> Option<FeedGlance> {
        let latest = self.latest.as_ref()?;
        Some(FeedGlance {
            value: latest.datum.value.clone(),
            location: latest.datum.location,
            at_ms: latest.at_ms,
            count: self.count(),
            trend: self.trend(TREND_WINDOW_MS),
        })
    }

    /// Updates received live over the feed's lifetime (more than are kept, once the ring is
    /// full); history read back from the service is not counted.
    pub fn count(&self) -> u64 {
        self.received
    }

    /// Updates kept now.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether the feed has no updates.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The most updates kept.
    pub fn capacity(&self) -> usize {
        self.samples.bound()
    }

    /// Whether most updates were numbers (the feed belongs on a chart).
    pub fn is_numeric(&self) -> bool {
        self.numbers * 2 > self.samples.pushed()
    }

    /// Whether any kept update carried a location.
    pub fn has_location(&self) -> bool {
        !self.locations.is_empty()
    }

    /// Updates per minute, measured over the last minute.
    pub fn rate_per_minute(&self, now_ms: f64) -> Option<f64> {
        self.rate.per_minute(now_ms)
    }

    /// Every kept sample, oldest first.
    pub fn samples(&self) -> Samples<'_> {
        self.samples.iter()
    }

    /// Time of the oldest and newest kept samples.
    pub fn time_span(&self) -> Option<(f64, f64)> {
        Some((
            self.samples.oldest()?.time_ms,
            self.samples.newest()?.time_ms,
        ))
    }

    /// The samples from `from_ms` to `to_ms`, plus one on each side so a line reaches the
    /// edges of the window, in time order.
    pub fn window(&self, from_ms: f64, to_ms: f64) -> Samples<'_> {
        let start = self.samples.partition_point(|s| s.time_ms < from_ms);
        let end = self.samples.partition_point(|s| s.time_ms <= to_ms);
        self.samples
            .range(start.saturating_sub(1)..end.saturating_add(1))
    }

    /// The numeric sample closest in time to `time_ms`.
    pub fn nearest_number(&self, time_ms: f64) -> Option<Sample> {
        let split = self.samples.partition_point(|s| s.time_ms < time_ms);
        let after = (split..self.samples.len())
            .filter_map(|i| self.samples.get(i))
            .find(|s| s.is_number());
        let before = (0..split)
            .rev()
            .filter_map(|i| self.samples.get(i))
            .find(|s| s.is_number());
        match (before, after) {
            (Some(b), Some(a)) if time_ms - b.time_ms <= a.time_ms - time_ms => Some(b),
            (_, Some(a)) => Some(a),
            (b, None) => b,
        }
    }

    /// How much the newest number changed over the last `window_ms`: newest minus the last
    /// number at or before `newest time − window_ms` (or the oldest kept, if the feed is
    /// younger). `None` without two numbers.
    pub fn trend(&self, window_ms: f64) -> Option<f64> {
        let number_at = |index: usize| self.samples.get(index).filter(|s| s.is_number());
        let newest_index = (0..self.samples.len())
            .rev()
            .find(|&i| number_at(i).is_some())?;
        let newest = number_at(newest_index)?;
        // Binary search, so a feed with a million points a minute costs no more than a quiet one.
        let after_cutoff = self
            .samples
            .partition_point(|s| s.time_ms <= newest.time_ms - window_ms);
        let reference = (0..after_cutoff.min(newest_index))
            .rev()
            .find_map(number_at)
            .or_else(|| (0..newest_index).find_map(number_at))?;
        Some(newest.value - reference.value)
    }

    /// The newest `limit` updates, newest first, with their times; `None` for a text value
    /// dropped for size.
    pub fn recent_values(&self, limit: usize) -> Vec<(f64, Option<RowValue<'_>>)> {
        let first_kept = self.samples.dropped();
        let len = self.samples.len();
        (len.saturating_sub(limit)..len)
            .rev()
            .filter_map(|position| {
                let sample = self.samples.get(position)?;
                let value = if sample.is_number() {
                    Some(RowValue::Number(sample.value))
                } else {
                    let index = first_kept + position as u64;
                    let at = self.texts.partition_point(|text| text.index < index);
                    self.texts
                        .get(at)
                        .filter(|text| text.index == index)
                        .map(|text| RowValue::Text(text.item.as_str()))
                };
                Some((sample.time_ms, value))
            })
            .collect()
    }

    /// The newest `limit` locations, newest first, with their times and values.
    pub fn recent_locations(&self, limit: usize) -> Vec<(f64, Location, Option<f64>)> {
        let first_kept = self.samples.dropped();
        self.locations
            .iter()
            .rev()
            .take(limit)
            .filter_map(|location| {
                let position = usize::try_from(location.index - first_kept).ok()?;
                let sample = self.samples.get(position)?;
                let value = sample.is_number().then_some(sample.value);
                Some((sample.time_ms, location.item, value))
            })
            .collect()
    }

    /// Every kept update, oldest first, with its value and location.
    pub fn history(&self) -> impl Iterator<Item = HistoryRow<'_>> {
        let first_kept = self.samples.dropped();
        let mut texts = self.texts.iter().peekable();
        let mut locations = self.locations.iter().peekable();
        self.samples
            .iter()
            .enumerate()
            .map(move |(position, sample)| {
                let index = first_kept + position as u64;
                let value = if sample.is_number() {
                    Some(RowValue::Number(sample.value))
                } else {
                    texts
                        .next_if(|text| text.index == index)
                        .map(|text| RowValue::Text(text.item.as_str()))
                };
                let location = locations
                    .next_if(|location| location.index == index)
                    .map(|location| location.item);
                HistoryRow {
                    time_ms: sample.time_ms,
                    value,
                    location,
                }
            })
    }

    /// How often the series was rebuilt; places ([`FeedSeries::first_index`] …) count anew
    /// after each rebuild.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The place of the oldest kept update (places count every update the series took since it
    /// was made or rebuilt).
    pub fn first_index(&self) -> u64 {
        self.samples.dropped()
    }

    /// The place after the newest update.
    pub fn end_index(&self) -> u64 {
        self.samples.pushed()
    }

    /// The kept updates at places `from..to`, as points (a text dropped for size keeps its
    /// place, empty).
    pub fn points(&self, from: u64, to: u64) -> Vec<HistoryPoint> {
        let first = self.first_index();
        let skip = usize::try_from(from.saturating_sub(first)).unwrap_or(usize::MAX);
        let take = usize::try_from(to.saturating_sub(from.max(first))).unwrap_or(0);
        self.history()
            .skip(skip)
            .take(take)
            .map(|row| HistoryPoint {
                time_ms: row.time_ms,
                datum: Datum {
                    value: match row.value {
                        Some(RowValue::Number(number)) => Value::Number(number),
                        Some(RowValue::Text(text)) => Value::Text(text.to_owned()),
                        None => Value::Text(String::new()),
                    },
                    location: row.location,
                },
            })
            .collect()
    }

    /// Bytes reserved for this feed's history.
    pub fn reserved_bytes(&self) -> usize {
        self.samples.reserved_bytes()
            + self.texts.reserved_bytes()
            + self.text_bytes
            + self.locations.reserved_bytes()
    }
}

/// Whether `point` is an update `kept` (ordered by time) already has.
fn already_kept(kept: &[HistoryPoint], point: &HistoryPoint) -> bool {
    let from = kept.partition_point(|k| k.time_ms < point.time_ms - SAME_UPDATE_TOLERANCE_MS);
    kept[from..]
        .iter()
        .take_while(|k| k.time_ms <= point.time_ms + SAME_UPDATE_TOLERANCE_MS)
        .any(|k| k.datum.value == point.datum.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(value: f64) -> Datum {
        Datum::plain(Value::Number(value))
    }

    fn text(value: &str) -> Datum {
        Datum::plain(Value::Text(value.to_owned()))
    }

    fn located(value: f64, lat: f64) -> Datum {
        Datum {
            value: Value::Number(value),
            location: Some(Location {
                lat,
                lon: 4.9,
                ele: None,
            }),
        }
    }

    #[test]
    fn the_series_keeps_the_newest_updates_up_to_its_capacity() {
        let mut series = FeedSeries::new(100);
        for i in 0..250 {
            series.record(&number(f64::from(i)), f64::from(i) * 1000.0);
        }
        assert_eq!((series.len(), series.count()), (100, 250));
        assert_eq!(series.time_span(), Some((150_000.0, 249_000.0)));
        assert_eq!(
            series.latest().map(|l| (&l.datum.value, l.at_ms)),
            Some((&Value::Number(249.0), 249_000.0))
        );
    }

    #[test]
    fn text_updates_keep_their_place_and_their_text() {
        let mut series = FeedSeries::new(10);
        series.record(&number(1.0), 1.0);
        series.record(&text("ON"), 2.0);
        series.record(&located(3.0, 52.0), 3.0);
        let rows: Vec<HistoryRow> = series.history().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].value, Some(RowValue::Text("ON")));
        assert_eq!(rows[2].location.map(|l| l.lat), Some(52.0));
        assert_eq!(rows[0].location, None);
        assert_eq!(
            series.recent_values(2),
            vec![
                (3.0, Some(RowValue::Number(3.0))),
                (2.0, Some(RowValue::Text("ON")))
            ]
        );
        assert!(series.is_numeric());
        assert!(series.has_location());
    }

    #[test]
    fn texts_and_locations_leave_with_their_samples() {
        let mut series = FeedSeries::new(3);
        series.record(&text("a"), 1.0);
        series.record(&located(1.0, 10.0), 2.0);
        for t in 3..=5 {
            series.record(&number(0.0), f64::from(t));
        }
        assert!(series
            .recent_values(10)
            .iter()
            .all(|(_, v)| matches!(v, Some(RowValue::Number(_)))));
        assert!(!series.has_location());
        assert_eq!(series.history().count(), 3);
    }

    #[test]
    fn a_clock_step_back_never_unorders_the_series() {
        let mut series = FeedSeries::new(10);
        series.record(&number(1.0), 5000.0);
        series.record(&number(2.0), 4000.0);
        series.record(&number(3.0), f64::NAN);
        let times: Vec<f64> = series.samples().map(|s| s.time_ms).collect();
        assert_eq!(times, vec![5000.0, 5000.0, 5000.0]);
    }

    #[test]
    fn a_window_includes_one_sample_beyond_each_edge() {
        let mut series = FeedSeries::new(100);
        for t in 0..10 {
            series.record(&number(f64::from(t)), f64::from(t) * 10.0);
        }
        let times: Vec<f64> = series.window(35.0, 62.0).map(|s| s.time_ms).collect();
        assert_eq!(times, vec![30.0, 40.0, 50.0, 60.0, 70.0]);
        assert_eq!(
            series.window(1000.0, 2000.0).len(),
            1,
            "the last sample still leads into the window"
        );
    }

    #[test]
    fn nearest_number_skips_text_and_picks_the_closer_side() {
        let mut series = FeedSeries::new(100);
        series.record(&number(1.0), 0.0);
        series.record(&text("x"), 10.0);
        series.record(&number(3.0), 30.0);
        assert_eq!(series.nearest_number(12.0).map(|s| s.value), Some(1.0));
        assert_eq!(series.nearest_number(16.0).map(|s| s.value), Some(3.0));
        assert_eq!(series.nearest_number(99.0).map(|s| s.value), Some(3.0));
        assert_eq!(FeedSeries::new(5).nearest_number(1.0), None);
    }

    #[test]
    fn trend_compares_with_the_value_a_window_ago() {
        let mut series = FeedSeries::new(100);
        assert_eq!(series.trend(60_000.0), None);
        for (t, v) in [
            (0.0, 10.0),
            (30_000.0, 12.0),
            (70_000.0, 15.0),
            (90_000.0, 14.0),
        ] {
            series.record(&number(v), t);
        }
        // Newest at 90 s; a minute earlier is 30 s, value 12.
        assert_eq!(series.trend(60_000.0), Some(2.0));
        // Younger than the window: compared with the oldest.
        assert_eq!(series.trend(600_000.0), Some(4.0));
    }

    #[test]
    fn huge_text_values_are_bounded_by_size() {
        let mut series = FeedSeries::new(1000);
        let big = "x".repeat(1024 * 1024);
        for t in 0..10 {
            series.record(&text(&big), f64::from(t));
        }
        assert_eq!(series.len(), 10, "every update keeps its place");
        let kept = series.recent_values(100);
        assert_eq!(kept.iter().filter(|(_, v)| v.is_some()).count(), 4);
        assert!(series.reserved_bytes() < 5 * 1024 * 1024);
        let missing = series.history().filter(|row| row.value.is_none()).count();
        assert_eq!(missing, 6);
    }

    fn past(points: &[(f64, f64)]) -> Vec<HistoryPoint> {
        points
            .iter()
            .map(|&(time_ms, value)| HistoryPoint {
                time_ms,
                datum: number(value),
            })
            .collect()
    }

    fn times_and_values(series: &FeedSeries) -> Vec<(f64, f64)> {
        series.samples().map(|s| (s.time_ms, s.value)).collect()
    }

    #[test]
    fn history_merges_before_live_updates_without_counting_as_received() {
        let mut series = FeedSeries::new(100);
        series.record(&number(5.0), 100_000.0);
        series.record(&number(6.0), 101_000.0);
        // Newest first, as Adafruit IO sends raw data; the last two overlap the live updates
        // (stamped by the service 300 ms before they arrived).
        let points = past(&[
            (100_700.0, 6.0),
            (99_700.0, 5.0),
            (50_000.0, 2.0),
            (10_000.0, 1.0),
        ]);
        assert_eq!(series.merge_history(&points, HistoryKind::Raw), 2);
        assert_eq!(
            times_and_values(&series),
            vec![
                (10_000.0, 1.0),
                (50_000.0, 2.0),
                (100_000.0, 5.0),
                (101_000.0, 6.0)
            ]
        );
        assert_eq!(series.count(), 2, "only live updates are counted");
        assert_eq!(series.latest().map(|l| l.at_ms), Some(101_000.0));
        // The same page again adds nothing.
        assert_eq!(series.merge_history(&points, HistoryKind::Raw), 0);
        assert_eq!(series.len(), 4);
    }

    #[test]
    fn a_different_value_at_the_same_moment_is_kept_and_history_alone_sets_the_latest() {
        let mut series = FeedSeries::new(100);
        series.record(&number(5.0), 100_000.0);
        let added = series.merge_history(&past(&[(99_500.0, 4.0)]), HistoryKind::Raw);
        assert_eq!(added, 1, "another value is another update");
        let mut fresh = FeedSeries::new(100);
        fresh.merge_history(&past(&[(2_000.0, 8.0), (1_000.0, 7.0)]), HistoryKind::Raw);
        assert_eq!(
            fresh.latest().map(|l| (l.at_ms, l.datum.value.clone())),
            Some((2_000.0, Value::Number(8.0)))
        );
        assert_eq!(fresh.count(), 0);
    }

    #[test]
    fn summaries_fill_only_the_time_before_updates_kept_one_by_one() {
        let mut series = FeedSeries::new(100);
        series.merge_history(&past(&[(60_000.0, 3.0), (61_000.0, 3.5)]), HistoryKind::Raw);
        series.record(&number(4.0), 62_000.0);
        let summary = past(&[(0.0, 1.0), (30_000.0, 2.0), (60_000.0, 3.2)]);
        assert_eq!(series.merge_history(&summary, HistoryKind::Aggregated), 2);
        assert_eq!(
            times_and_values(&series),
            vec![
                (0.0, 1.0),
                (30_000.0, 2.0),
                (60_000.0, 3.0),
                (61_000.0, 3.5),
                (62_000.0, 4.0)
            ]
        );
    }

    #[test]
    fn raw_points_replace_the_summary_over_their_stretch() {
        let mut series = FeedSeries::new(100);
        series.record(&number(9.0), 100_000.0);
        let summary = past(&[(0.0, 1.0), (40_000.0, 2.0), (80_000.0, 3.0)]);
        series.merge_history(&summary, HistoryKind::Aggregated);
        let raw = past(&[(70_000.0, 2.5), (90_000.0, 2.9)]);
        assert_eq!(series.merge_history(&raw, HistoryKind::Raw), 2);
        assert_eq!(
            times_and_values(&series),
            vec![
                (0.0, 1.0),
                (40_000.0, 2.0),
                (70_000.0, 2.5),
                (90_000.0, 2.9),
                (100_000.0, 9.0)
            ],
            "the summary at 80 s gave way to the raw points"
        );
    }

    #[test]
    fn merged_history_keeps_texts_and_locations_in_place_and_respects_the_capacity() {
        let mut series = FeedSeries::new(3);
        series.record(&text("ON"), 10_000.0);
        series.record(&located(2.0, 52.0), 11_000.0);
        let points = vec![
            HistoryPoint {
                time_ms: 1_000.0,
                datum: text("OFF"),
            },
            HistoryPoint {
                time_ms: 2_000.0,
                datum: number(1.0),
            },
        ];
        series.merge_history(&points, HistoryKind::Raw);
        let rows: Vec<(f64, Option<RowValue>, Option<f64>)> = series
            .history()
            .map(|row| (row.time_ms, row.value, row.location.map(|l| l.lat)))
            .collect();
        assert_eq!(
            rows,
            vec![
                (2_000.0, Some(RowValue::Number(1.0)), None),
                (10_000.0, Some(RowValue::Text("ON")), None),
                (11_000.0, Some(RowValue::Number(2.0)), Some(52.0)),
            ],
            "the oldest point made way: three are kept"
        );
    }
}
