//! Adafruit IO's HTTP history, as far as a browser can observe it: raw data newest first in
//! pages of at most 1 000 with `X-Pagination-*` headers and a `Link: rel="next"` (`before=`),
//! chart data averaged per interval, the key checked from `X-AIO-Key`, and `429` when an
//! account reads faster than allowed.

use crate::http_api::{Answer, Head};
use crate::rate_window::RateWindow;
use feedboard::service::value::{Datum, Value};
use feedboard::time::calendar::{iso8601_seconds, parse_iso8601};
use feedboard::time::Instant;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// Points kept per feed.
const KEPT_PER_FEED: usize = 100_000;
/// Reads a minute an account may make unless told otherwise (Adafruit does not document its
/// read throttle; a dashboard reading a few feeds stays well below it).
pub const DEFAULT_READS_PER_MINUTE: usize = 120;
/// The most points one page of raw data holds.
const PAGE_LIMIT: usize = 1000;
/// The chart intervals the service offers, in minutes.
const RESOLUTIONS: [u64; 9] = [1, 5, 10, 30, 60, 120, 240, 480, 960];
/// How long data is kept for charts and reads (the free plan's 30 days).
const KEPT_FOR_MS: u64 = 30 * 86_400_000;

/// One stored value.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// When it was stored, ms since the Unix epoch.
    pub ms: u64,
    /// What was stored.
    pub datum: Datum,
}

/// Every feed's stored values and every account's reads.
#[derive(Debug, Default)]
pub struct AdafruitHistory {
    feeds: BTreeMap<(String, String), Vec<Point>>,
    reads: HashMap<String, RateWindow>,
    /// Accounts with a read rate of their own (reads a minute), by user name prefix (tests
    /// make a fresh user per run).
    pub read_limits: Vec<(String, usize)>,
}

impl AdafruitHistory {
    /// Stores a value of `owner`'s `key` at `ms` (kept in time order).
    pub fn record(&mut self, owner: &str, key: &str, ms: u64, datum: Datum) {
        let points = self
            .feeds
            .entry((owner.to_owned(), key.to_owned()))
            .or_default();
        let at = points.partition_point(|p| p.ms <= ms);
        points.insert(at, Point { ms, datum });
        if points.len() > KEPT_PER_FEED {
            points.drain(..points.len() - KEPT_PER_FEED);
        }
    }

    /// Answers a GET under `/api/v2/` (`rest` is the path after it). `keys` are the accounts
    /// whose key is checked.
    pub fn answer(
        &mut self,
        head: &Head,
        rest: &str,
        now: Instant,
        wall_ms: u64,
        keys: &[(String, String)],
    ) -> Answer {
        let parts: Vec<&str> = rest.split('/').collect();
        let (owner, key, chart) = match parts.as_slice() {
            [owner, "feeds", key, "data"] => (*owner, *key, false),
            [owner, "feeds", key, "data", "chart"] => (*owner, *key, true),
            _ => return Answer::error(404, "not found - that is not an API path"),
        };
        if let Some((_, expected)) = keys.iter().find(|(user, _)| user == owner) {
            if head.header("x-aio-key") != Some(expected.as_str()) {
                return Answer::error(401, "request failed - Access denied - invalid API key");
            }
        }
        let limit = self
            .read_limits
            .iter()
            .find(|(prefix, _)| owner.starts_with(prefix.as_str()))
            .map_or(DEFAULT_READS_PER_MINUTE, |(_, n)| *n);
        let reads = self
            .reads
            .entry(owner.to_owned())
            .or_insert_with(|| RateWindow::new(Duration::from_secs(60)));
        if reads.count(now) >= limit {
            return Answer::error(429, "request failed - You have been rate limited");
        }
        reads.record(now);
        let Some(points) = self.feeds.get(&(owner.to_owned(), key.to_owned())) else {
            return Answer::error(
                404,
                "not found - API request failed because the feed does not exist",
            );
        };
        if chart {
            chart_answer(head, key, points, wall_ms)
        } else {
            raw_answer(head, owner, key, points, wall_ms)
        }
    }
}

fn time_param(head: &Head, name: &str) -> Option<u64> {
    let ms = parse_iso8601(head.query.get(name)?)?;
    u64::try_from(ms).ok()
}

fn iso(ms: u64) -> String {
    iso8601_seconds(i64::try_from(ms).unwrap_or(i64::MAX))
}

fn value_text(value: &Value) -> String {
    value.to_string()
}

fn raw_answer(head: &Head, owner: &str, key: &str, points: &[Point], wall_ms: u64) -> Answer {
    let start = time_param(head, "start_time").unwrap_or(wall_ms.saturating_sub(KEPT_FOR_MS));
    let end = time_param(head, "end_time").unwrap_or(u64::MAX);
    let before = head
        .query
        .get("before")
        .and_then(|b| b.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    let limit = head
        .query
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(PAGE_LIMIT)
        .clamp(1, PAGE_LIMIT);
    let in_range: Vec<&Point> = points
        .iter()
        .rev()
        .filter(|p| p.ms >= start && p.ms <= end)
        .collect();
    let total = in_range.len();
    let page: Vec<&Point> = in_range
        .iter()
        .copied()
        .filter(|p| p.ms < before)
        .take(limit)
        .collect();
    let more = in_range.iter().filter(|p| p.ms < before).count() > page.len();
    let body: Vec<serde_json::Value> = page
        .iter()
        .map(|p| {
            let location = p.datum.location;
            json!({
                "id": format!("0{:X}", p.ms),
                "value": value_text(&p.datum.value),
                "feed_id": 1,
                "feed_key": key,
                "created_at": iso(p.ms),
                "created_epoch": p.ms as f64 / 1000.0,
                "lat": location.map(|l| l.lat.to_string()),
                "lon": location.map(|l| l.lon.to_string()),
                "ele": location.and_then(|l| l.ele).map(|e| e.to_string()),
                "expiration": iso(p.ms + KEPT_FOR_MS),
            })
        })
        .collect();
    let mut answer = Answer::json(200, serde_json::Value::Array(body).to_string())
        .with_header("X-Pagination-Limit", limit.to_string())
        .with_header("X-Pagination-Total", total.to_string())
        .with_header("X-Pagination-Count", page.len().to_string());
    if let (Some(first), Some(last)) = (page.first(), page.last()) {
        answer = answer
            .with_header("X-Pagination-Start", iso(last.ms))
            .with_header("X-Pagination-End", iso(first.ms));
        if more {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for name in ["start_time", "end_time", "include"] {
                if let Some(value) = head.query.get(name) {
                    query.append_pair(name, value);
                }
            }
            query.append_pair("limit", &limit.to_string());
            query.append_pair("before", &last.ms.to_string());
            let next = format!(
                "{}/api/v2/{owner}/feeds/{key}/data?{}",
                head.origin(),
                query.finish()
            );
            answer = answer.with_header("Link", format!("<{next}>; rel=\"next\""));
        }
    }
    answer
}

fn chart_answer(head: &Head, key: &str, points: &[Point], wall_ms: u64) -> Answer {
    let hours = head.query.get("hours").and_then(|h| h.parse::<u64>().ok());
    let (start, end) = match (time_param(head, "start_time"), hours) {
        (Some(start), _) => (start, time_param(head, "end_time").unwrap_or(wall_ms)),
        (None, hours) => (
            wall_ms.saturating_sub(hours.unwrap_or(24) * 3_600_000),
            wall_ms,
        ),
    };
    let span_minutes = end.saturating_sub(start) / 60_000;
    let resolution = head
        .query
        .get("resolution")
        .and_then(|r| r.parse::<u64>().ok())
        .filter(|r| RESOLUTIONS.contains(r))
        .unwrap_or_else(|| {
            RESOLUTIONS
                .iter()
                .copied()
                .find(|r| span_minutes / r <= 480)
                .unwrap_or(960)
        });
    let step = resolution * 60_000;
    let mut buckets: BTreeMap<u64, (f64, u32)> = BTreeMap::new();
    for point in points.iter().filter(|p| p.ms >= start && p.ms <= end) {
        if let Value::Number(n) = point.datum.value {
            let bucket = buckets.entry(point.ms / step * step).or_insert((0.0, 0));
            bucket.0 += n;
            bucket.1 += 1;
        }
    }
    let data: Vec<serde_json::Value> = buckets
        .into_iter()
        .map(|(at, (sum, count))| {
            let average = sum / f64::from(count);
            json!([iso(at), format!("{}", (average * 1000.0).round() / 1000.0)])
        })
        .collect();
    let body = json!({
        "feed": {"id": 1, "key": key, "name": key},
        "parameters": {
            "start_time": iso(start),
            "end_time": iso(end),
            "resolution": resolution,
            "hours": hours.unwrap_or(span_minutes.div_ceil(60)),
            "field": "avg",
        },
        "columns": ["date", "avg"],
        "data": data,
    });
    Answer::json(200, body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WALL: u64 = 1_796_040_000_000;

    fn head(target: &str, key: Option<&str>) -> Head {
        let key = key.map_or(String::new(), |k| format!("X-AIO-Key: {k}\r\n"));
        Head::parse(&format!(
            "GET {target} HTTP/1.1\r\nHost: sim.test\r\n{key}\r\n"
        ))
        .expect("a head")
    }

    fn seeded() -> AdafruitHistory {
        let mut history = AdafruitHistory::default();
        for minute in 0..1500u64 {
            let ms = WALL - minute * 60_000;
            history.record(
                "maker",
                "temp",
                ms,
                Datum::plain(Value::Number(minute as f64)),
            );
        }
        history
    }

    fn answer(history: &mut AdafruitHistory, target: &str, key: Option<&str>) -> Answer {
        let rest = target
            .strip_prefix("/api/v2/")
            .and_then(|t| t.split('?').next())
            .unwrap_or("");
        history.answer(
            &head(target, key),
            rest,
            Instant::from_millis(0),
            WALL,
            &[("maker".into(), "right".into())],
        )
    }

    fn header<'a>(answer: &'a Answer, name: &str) -> Option<&'a str> {
        answer
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn raw_data_comes_newest_first_in_pages_linked_by_before() {
        let mut history = seeded();
        let first = answer(
            &mut history,
            "/api/v2/maker/feeds/temp/data?start_time=2026-11-29T00:00:00Z",
            Some("right"),
        );
        assert_eq!(first.status, 200);
        let points: serde_json::Value = serde_json::from_str(&first.body).expect("JSON");
        assert_eq!(points.as_array().map(Vec::len), Some(1000));
        assert_eq!(points[0]["value"], "0", "newest first");
        assert_eq!(header(&first, "X-Pagination-Total"), Some("1500"));
        let link = header(&first, "Link").expect("a next page");
        let next = link
            .strip_prefix("<http://sim.test")
            .and_then(|l| l.split('>').next())
            .expect("a link to this origin");
        let second = answer(&mut history, next, Some("right"));
        let points: serde_json::Value = serde_json::from_str(&second.body).expect("JSON");
        assert_eq!(points.as_array().map(Vec::len), Some(500));
        assert_eq!(points[0]["value"], "1000");
        assert_eq!(header(&second, "Link"), None, "the last page");
    }

    #[test]
    fn chart_data_is_averaged_per_interval() {
        let mut history = seeded();
        let chart = answer(
            &mut history,
            "/api/v2/maker/feeds/temp/data/chart?hours=24",
            Some("right"),
        );
        let body: serde_json::Value = serde_json::from_str(&chart.body).expect("JSON");
        assert_eq!(body["parameters"]["resolution"], 5);
        let data = body["data"].as_array().expect("data");
        assert!((288..=290).contains(&data.len()), "{}", data.len());
        assert_eq!(body["columns"], json!(["date", "avg"]));
    }

    #[test]
    fn a_wrong_key_an_unknown_feed_and_reading_too_fast_are_refused() {
        let mut history = seeded();
        assert_eq!(
            answer(&mut history, "/api/v2/maker/feeds/temp/data", None).status,
            401
        );
        assert_eq!(
            answer(&mut history, "/api/v2/maker/feeds/temp/data", Some("wrong")).status,
            401
        );
        assert_eq!(
            answer(
                &mut history,
                "/api/v2/maker/feeds/nothing/data",
                Some("right")
            )
            .status,
            404
        );
        history.read_limits.push(("maker".into(), 2));
        let statuses: Vec<u16> = (0..4)
            .map(|_| answer(&mut history, "/api/v2/maker/feeds/temp/data", Some("right")).status)
            .collect();
        assert_eq!(
            statuses,
            vec![200, 429, 429, 429],
            "two reads a minute (one made above)"
        );
    }
}
