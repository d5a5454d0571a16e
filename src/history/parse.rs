//! The services' history answers, read into points. Every shape documented for Adafruit IO's
//! raw data and chart data and ThingSpeak's channel feed; anything else is an error that says
//! what was wrong, never a panic.

use crate::feeds::series::HistoryPoint;
use crate::service::value::{number_in_json, Datum, Location, Value};
use crate::time::calendar::parse_iso8601;
use serde_json::Value as Json;
use std::fmt;

/// Why an answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// ThingSpeak's `-1`: the channel is private and no (or a wrong) Read API key was given.
    NoAccess,
    /// Not the documented shape.
    Malformed(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoAccess => f.write_str("the channel is private: add its Read API key"),
            Self::Malformed(what) => write!(f, "the service's answer could not be read ({what})"),
        }
    }
}

fn malformed(what: impl Into<String>) -> ParseError {
    ParseError::Malformed(what.into())
}

fn json(body: &str) -> Result<Json, ParseError> {
    serde_json::from_str(body).map_err(|_| malformed("not JSON"))
}

fn number(value: Option<&Json>) -> Option<f64> {
    number_in_json(value?)
}

fn location(item: &Json) -> Option<Location> {
    Some(Location {
        lat: number(item.get("lat"))?,
        lon: number(item.get("lon"))?,
        ele: number(item.get("ele")),
    })
}

/// Adafruit IO raw data (`…/feeds/{key}/data`): an array of points, newest first. A point
/// without a readable time or value is skipped (the rest still count).
pub fn adafruit_data(body: &str) -> Result<Vec<HistoryPoint>, ParseError> {
    let Json::Array(items) = json(body)? else {
        return Err(malformed("expected a list of data points"));
    };
    Ok(items
        .iter()
        .filter_map(|item| {
            let time_ms = item
                .get("created_at")
                .and_then(Json::as_str)
                .and_then(parse_iso8601)
                .map(|ms| ms as f64)
                .or_else(|| number(item.get("created_epoch")).map(|s| s * 1000.0))?;
            let value = item.get("value").filter(|v| !v.is_null())?;
            Some(HistoryPoint {
                time_ms,
                datum: Datum {
                    value: Value::from_json(value),
                    location: location(item),
                },
            })
        })
        .collect())
}

/// Adafruit IO chart data (`…/data/chart`): `{"columns":["date","avg"],"data":[[date, value],
/// …]}`. Empty intervals (a null value) are skipped.
pub fn adafruit_chart(body: &str) -> Result<Vec<HistoryPoint>, ParseError> {
    let answer = json(body)?;
    let Some(Json::Array(rows)) = answer.get("data") else {
        return Err(malformed("no \"data\" list"));
    };
    Ok(rows
        .iter()
        .filter_map(|row| {
            let time_ms = parse_iso8601(row.get(0)?.as_str()?)? as f64;
            let value = row.get(1).filter(|v| !v.is_null())?;
            Some(HistoryPoint {
                time_ms,
                datum: Datum::plain(Value::from_json(value)),
            })
        })
        .collect())
}

/// One field's points from a ThingSpeak channel read.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldHistory {
    /// 1–8.
    pub field: u8,
    /// Oldest first.
    pub points: Vec<HistoryPoint>,
}

/// ThingSpeak's channel feed (`/channels/{id}/feeds.json`): entries oldest first, each with up
/// to eight fields (strings or null). The body `-1` means no access.
pub fn thingspeak_feeds(body: &str) -> Result<Vec<FieldHistory>, ParseError> {
    if body.trim() == "-1" {
        return Err(ParseError::NoAccess);
    }
    let answer = json(body)?;
    let Some(Json::Array(entries)) = answer.get("feeds") else {
        return Err(malformed("no \"feeds\" list"));
    };
    let mut fields: Vec<FieldHistory> = (1..=8)
        .map(|field| FieldHistory {
            field,
            points: Vec::new(),
        })
        .collect();
    for entry in entries {
        let Some(time_ms) = entry
            .get("created_at")
            .and_then(Json::as_str)
            .and_then(parse_iso8601)
        else {
            continue;
        };
        let location = match (
            number(entry.get("latitude")),
            number(entry.get("longitude")),
        ) {
            (Some(lat), Some(lon)) => Some(Location {
                lat,
                lon,
                ele: number(entry.get("elevation")),
            }),
            _ => None,
        };
        for history in &mut fields {
            let name = format!("field{}", history.field);
            let Some(value) = entry.get(&name).filter(|v| !v.is_null()) else {
                continue;
            };
            history.points.push(HistoryPoint {
                time_ms: time_ms as f64,
                datum: Datum {
                    value: Value::from_json(value),
                    location,
                },
            });
        }
    }
    fields.retain(|history| !history.points.is_empty());
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adafruit_raw_data_as_documented() {
        // The documentation's example point, newest first.
        let body = r#"[
          {"id":"0EXAMPLE2","value":"62.57","feed_id":1,"feed_key":"temperature","created_at":"2019-03-01T14:01:00Z","created_epoch":1551448860,"lat":"52.37","lon":"4.89","ele":null,"expiration":"2019-03-31T14:01:00Z"},
          {"id":"0EXAMPLE1","value":"ON","feed_id":1,"feed_key":"temperature","created_at":"2019-03-01T14:00:00.250Z","created_epoch":1551448800.25,"lat":null,"lon":null,"ele":null,"expiration":"2019-03-31T14:00:00Z"},
          {"id":"0EXAMPLE0","value":"1","feed_id":1,"feed_key":"temperature","created_epoch":1551448740},
          {"id":"broken","value":"2"}
        ]"#;
        let points = adafruit_data(body).expect("documented shape");
        assert_eq!(points.len(), 3, "the point without a time is skipped");
        assert_eq!(points[0].time_ms, 1_551_448_860_000.0);
        assert_eq!(points[0].datum.value, Value::Number(62.57));
        assert_eq!(
            points[0].datum.location.map(|l| (l.lat, l.lon)),
            Some((52.37, 4.89))
        );
        assert_eq!(points[1].time_ms, 1_551_448_800_250.0);
        assert_eq!(points[1].datum.value, Value::Text("ON".into()));
        assert_eq!(points[1].datum.location, None);
        assert_eq!(
            points[2].time_ms, 1_551_448_740_000.0,
            "created_epoch when no created_at"
        );
        assert_eq!(adafruit_data("[]"), Ok(Vec::new()));
        assert!(matches!(
            adafruit_data("{\"error\":\"x\"}"),
            Err(ParseError::Malformed(_))
        ));
        assert!(matches!(
            adafruit_data("<html>"),
            Err(ParseError::Malformed(_))
        ));
    }

    #[test]
    fn adafruit_chart_data_as_documented() {
        let body = r#"{"feed":{"id":1,"key":"temperature","name":"Temperature"},
          "parameters":{"start_time":"2019-02-28T14:00:00Z","end_time":"2019-03-01T14:00:00Z","resolution":5,"hours":24,"field":"avg"},
          "columns":["date","avg"],
          "data":[["2019-03-01T13:50:00Z","62.57"],["2019-03-01T13:55:00Z",null],["2019-03-01T14:00:00Z","63.1"]]}"#;
        let points = adafruit_chart(body).expect("documented shape");
        let got: Vec<(f64, Value)> = points
            .into_iter()
            .map(|p| (p.time_ms, p.datum.value))
            .collect();
        assert_eq!(
            got,
            vec![
                (1_551_448_200_000.0, Value::Number(62.57)),
                (1_551_448_800_000.0, Value::Number(63.1))
            ]
        );
        assert!(matches!(
            adafruit_chart("[]"),
            Err(ParseError::Malformed(_))
        ));
    }

    #[test]
    fn thingspeak_channel_feed_as_documented_and_minus_one_for_no_access() {
        let body = r#"{"channel":{"id":9,"name":"Office","field1":"Temperature","field2":"Humidity","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:30Z","last_entry_id":3},
          "feeds":[{"created_at":"2026-01-01T00:00:00Z","entry_id":1,"field1":"188","field2":null},
                   {"created_at":"2026-01-01T00:00:15Z","entry_id":2,"field1":"189","field2":"40"},
                   {"created_at":"2026-01-01T00:00:30-05:00","entry_id":3,"field1":"on"}]}"#;
        let fields = thingspeak_feeds(body).expect("documented shape");
        assert_eq!(
            fields.iter().map(|f| f.field).collect::<Vec<_>>(),
            vec![1, 2]
        );
        let first: Vec<(f64, Value)> = fields[0]
            .points
            .iter()
            .map(|p| (p.time_ms, p.datum.value.clone()))
            .collect();
        assert_eq!(
            first,
            vec![
                (1_767_225_600_000.0, Value::Number(188.0)),
                (1_767_225_615_000.0, Value::Number(189.0)),
                (1_767_243_630_000.0, Value::Text("on".into())),
            ]
        );
        assert_eq!(fields[1].points.len(), 1);
        assert_eq!(thingspeak_feeds("-1"), Err(ParseError::NoAccess));
        assert_eq!(thingspeak_feeds(" -1\n"), Err(ParseError::NoAccess));
        assert!(matches!(
            thingspeak_feeds("{}"),
            Err(ParseError::Malformed(_))
        ));
        assert_eq!(
            thingspeak_feeds(r#"{"channel":{},"feeds":[]}"#),
            Ok(Vec::new())
        );
    }
}
