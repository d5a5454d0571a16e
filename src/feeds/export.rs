//! Files people download: a feed's history as CSV, the message log as JSON lines.

use super::message_log::LogEntry;
use super::series::{FeedSeries, RowValue};
use crate::decimal::parse_f64;
use crate::json_text::json_text;
use crate::time::calendar::iso8601_millis;
use std::fmt::Write;

/// The CSV header of a feed export.
pub const CSV_HEADER: &str = "time,value,lat,lon,ele";

/// A feed's kept history as CSV: `time,value,lat,lon,ele`, one row per update, ISO 8601 UTC
/// times with milliseconds. Text values are quoted when they must be (RFC 4180); text that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`.
pub fn series_csv(series: &FeedSeries) -> String {
    let mut csv = String::with_capacity(series.len() * 40 + CSV_HEADER.len() + 2);
    csv.push_str(CSV_HEADER);
    csv.push_str("\r\n");
    for row in series.history() {
        csv.push_str(&iso8601_millis(row.time_ms as i64));
        csv.push(',');
        match row.value {
            Some(RowValue::Number(number)) => {
                let _ = write!(csv, "{number}");
            }
            Some(RowValue::Text(text)) => csv.push_str(&csv_text_cell(text)),
            None => {}
        }
        match row.location {
            Some(location) => {
                let _ = write!(csv, ",{},{},", location.lat, location.lon);
                if let Some(ele) = location.ele {
                    let _ = write!(csv, "{ele}");
                }
            }
            None => csv.push_str(",,,"),
        }
        csv.push_str("\r\n");
    }
    csv
}

/// One text cell, made safe for CSV readers and spreadsheets.
fn csv_text_cell(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    let needs_quotes = defused.contains([',', '"', '\r', '\n'])
        || defused.starts_with(' ')
        || defused.ends_with(' ')
        // An empty or numeric-looking text must not read back as a number or as nothing.
        || defused.is_empty()
        || parse_f64(&defused).is_some();
    if needs_quotes {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// The log as JSON lines, oldest first: `time` (ISO 8601), `topic`, `qos`, `retain`, `kind`,
/// and `payload` as text, or `payload_hex` when it is not UTF-8.
pub fn log_json_lines<'a>(entries: impl IntoIterator<Item = &'a LogEntry>) -> String {
    let mut out = String::new();
    for entry in entries {
        let mut line = serde_json::Map::new();
        line.insert("time".into(), iso8601_millis(entry.at_ms as i64).into());
        line.insert("topic".into(), entry.topic.clone().into());
        line.insert("qos".into(), entry.qos.level().into());
        line.insert("retain".into(), entry.retain.into());
        line.insert("kind".into(), entry.kind.label().into());
        match std::str::from_utf8(&entry.payload) {
            Ok(text) => line.insert("payload".into(), text.into()),
            Err(_) => {
                let hex: String = entry.payload.iter().map(|b| format!("{b:02x}")).collect();
                line.insert("payload_hex".into(), hex.into())
            }
        };
        out.push_str(&json_text(&serde_json::Value::Object(line)));
        out.push('\n');
    }
    out
}

/// A file name for a download: the feed or log name with anything unusual replaced, plus
/// the date, e.g. `demo-temperature-2026-11-23.csv`.
pub fn file_name(name: &str, epoch_ms: f64, extension: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches('-');
    let stem = if trimmed.is_empty() { "feed" } else { trimmed };
    let date = iso8601_millis(epoch_ms as i64);
    format!("{stem}-{}.{extension}", date.get(..10).unwrap_or("export"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::message_log::{LogKind, MessageLog};
    use crate::mqtt::{Message, QoS};
    use crate::service::value::{Datum, Location, Value};

    #[test]
    fn a_series_exports_one_row_per_update_with_location_columns() {
        let mut series = FeedSeries::new(10);
        series.record(&Datum::plain(Value::Number(22.587)), 1_562_165_236_038.0);
        series.record(
            &Datum {
                value: Value::Number(-3.0),
                location: Some(Location {
                    lat: 38.1123,
                    lon: -91.2325,
                    ele: Some(112.0),
                }),
            },
            1_562_165_237_000.0,
        );
        series.record(
            &Datum::plain(Value::Text("say \"hi\", then =1+1".into())),
            1_562_165_238_000.0,
        );
        series.record(&Datum::plain(Value::Text("42".into())), 1_562_165_239_000.0);
        assert_eq!(
            series_csv(&series),
            "time,value,lat,lon,ele\r\n\
             2019-07-03T14:47:16.038Z,22.587,,,\r\n\
             2019-07-03T14:47:17.000Z,-3,38.1123,-91.2325,112\r\n\
             2019-07-03T14:47:18.000Z,\"say \"\"hi\"\", then =1+1\",,,\r\n\
             2019-07-03T14:47:19.000Z,\"42\",,,\r\n"
        );
    }

    #[test]
    fn formula_text_is_defused() {
        assert_eq!(
            csv_text_cell("=HYPERLINK(\"x\")"),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(csv_text_cell("@cmd"), "'@cmd");
        assert_eq!(csv_text_cell("ON"), "ON");
        assert_eq!(csv_text_cell(""), "\"\"");
    }

    #[test]
    fn the_log_exports_as_json_lines_with_binary_as_hex() {
        let mut log = MessageLog::default();
        let message = |topic: &str, payload: &[u8]| Message {
            topic: topic.into(),
            payload: payload.into(),
            qos: QoS::AtLeastOnce,
            retain: true,
            duplicate: false,
        };
        log.record(&message("a/b", b"<script>x</script>"), LogKind::Data, 0.0);
        log.record(&message("raw", &[0xff, 0x00]), LogKind::Data, 1000.0);
        let lines = log_json_lines(log.entries());
        let parsed: Vec<serde_json::Value> = lines
            .lines()
            .map(|line| serde_json::from_str(line).expect("each line is JSON"))
            .collect();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0]["payload"], "<script>x</script>");
        assert_eq!(parsed[0]["time"], "1970-01-01T00:00:00.000Z");
        assert_eq!(parsed[0]["qos"], 1);
        assert_eq!(parsed[0]["retain"], true);
        assert_eq!(parsed[1]["payload_hex"], "ff00");
        assert!(parsed[1].get("payload").is_none());
    }

    #[test]
    fn file_names_are_tame() {
        assert_eq!(
            file_name("demo/temperature", 1_562_165_236_038.0, "csv"),
            "demo-temperature-2019-07-03.csv"
        );
        assert_eq!(file_name("../../", 0.0, "jsonl"), "feed-1970-01-01.jsonl");
    }
}
