//! Adafruit IO payload formats: raw values, value JSON, CSV, and group JSON and CSV.
//! Decoding never fails: what does not fit a format is kept as a text value.

use super::value::{number_in_json, Datum, Location, Value};
use crate::decimal::parse_finite;
use crate::json_text::json_text;
use serde_json::{json, Map};

/// Reads a feed payload received on the base or `/json` topic: value JSON when it is a JSON
/// object with a `value` key, otherwise the raw value.
pub fn decode_feed(payload: &str) -> Datum {
    if let Ok(serde_json::Value::Object(object)) = serde_json::from_str(payload) {
        if let Some(value) = object.get("value") {
            return Datum {
                value: Value::from_json(value),
                location: location_from(&object),
            };
        }
        // JSON without "value" is stored as text, as the service does.
        return Datum::plain(Value::Text(payload.to_owned()));
    }
    Datum::plain(Value::from_text(payload))
}

/// Reads a feed payload received on a `/csv` topic: `value[,lat,lon[,ele]]`. When the trailing
/// fields are not all numbers, the whole line is the value (which may itself contain commas).
pub fn decode_feed_csv(payload: &str) -> Datum {
    let fields: Vec<&str> = payload.split(',').collect();
    for trailing in [3usize, 2] {
        if fields.len() > trailing {
            let (value, coordinates) = fields.split_at(fields.len() - trailing);
            let numbers: Option<Vec<f64>> = coordinates
                .iter()
                .map(|field| parse_finite(field))
                .collect();
            if let Some([lat, lon, elevation @ ..]) = numbers.as_deref() {
                return Datum {
                    value: Value::from_text(&value.join(",")),
                    location: Some(Location {
                        lat: *lat,
                        lon: *lon,
                        ele: elevation.first().copied(),
                    }),
                };
            }
        }
    }
    Datum::plain(Value::from_text(payload))
}

/// Encodes a value with location as value JSON: `{"value":22.587,"lat":…,"lon":…,"ele":…}`.
pub fn encode_feed_json(datum: &Datum) -> String {
    let mut object = Map::new();
    object.insert("value".into(), json_of(&datum.value));
    insert_location(&mut object, datum.location);
    json_text(&serde_json::Value::Object(object))
}

/// Encodes a value with location as CSV: `value,lat,lon,ele`.
pub fn encode_feed_csv(datum: &Datum) -> String {
    match datum.location {
        None => datum.value.to_string(),
        Some(Location { lat, lon, ele }) => match ele {
            Some(ele) => format!("{},{lat},{lon},{ele}", datum.value),
            None => format!("{},{lat},{lon}", datum.value),
        },
    }
}

/// One feed's update inside a group message.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupEntry {
    /// Feed key within the group.
    pub key: String,
    /// Its value, with the group message's location if it had one.
    pub datum: Datum,
}

/// Reads a group JSON message `{"feeds":{"key":"value",…},"location":{…}}` into one entry per
/// feed. Anything else yields no entries.
pub fn decode_group_json(payload: &str) -> Vec<GroupEntry> {
    let Ok(serde_json::Value::Object(object)) = serde_json::from_str(payload) else {
        return Vec::new();
    };
    let location = object
        .get("location")
        .and_then(|l| l.as_object())
        .and_then(location_from);
    let Some(feeds) = object.get("feeds").and_then(|f| f.as_object()) else {
        return Vec::new();
    };
    feeds
        .iter()
        .map(|(key, value)| GroupEntry {
            key: key.clone(),
            datum: Datum {
                value: Value::from_json(value),
                location,
            },
        })
        .collect()
}

/// Reads a group CSV message: `key,value` lines, plus an optional `location,lat,lon[,ele]`.
pub fn decode_group_csv(payload: &str) -> Vec<GroupEntry> {
    let mut location = None;
    let mut entries = Vec::new();
    for line in payload.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((key, rest)) = line.split_once(',') else {
            continue;
        };
        if key == "location" {
            let numbers: Vec<f64> = rest.split(',').filter_map(parse_finite).collect();
            if let [lat, lon, more @ ..] = numbers.as_slice() {
                location = Some(Location {
                    lat: *lat,
                    lon: *lon,
                    ele: more.first().copied(),
                });
            }
            continue;
        }
        entries.push(GroupEntry {
            key: key.to_owned(),
            datum: Datum::plain(Value::from_text(rest)),
        });
    }
    for entry in &mut entries {
        entry.datum.location = location;
    }
    entries
}

/// Encodes a group publish as JSON. Values are sent as strings, as the service sends them.
pub fn encode_group_json(entries: &[(String, Value)], location: Option<Location>) -> String {
    let feeds: Map<String, serde_json::Value> = entries
        .iter()
        .map(|(key, value)| (key.clone(), json!(value.to_string())))
        .collect();
    let mut object = Map::new();
    object.insert("feeds".into(), serde_json::Value::Object(feeds));
    if location.is_some() {
        let mut place = Map::new();
        insert_location(&mut place, location);
        object.insert("location".into(), serde_json::Value::Object(place));
    }
    json_text(&serde_json::Value::Object(object))
}

/// Encodes a group publish as CSV lines.
pub fn encode_group_csv(entries: &[(String, Value)], location: Option<Location>) -> String {
    let mut lines: Vec<String> = entries.iter().map(|(k, v)| format!("{k},{v}")).collect();
    if let Some(Location { lat, lon, ele }) = location {
        lines.push(match ele {
            Some(ele) => format!("location,{lat},{lon},{ele}"),
            None => format!("location,{lat},{lon}"),
        });
    }
    lines.join("\n")
}

fn json_of(value: &Value) -> serde_json::Value {
    match value {
        Value::Number(number) => json_number(*number),
        Value::Text(text) => json!(text),
    }
}

/// Whole numbers are written without a fraction (`112`, not `112.0`), as the service does.
fn json_number(number: f64) -> serde_json::Value {
    const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
    if number.fract() == 0.0 && number.abs() < EXACT_INTEGER_LIMIT {
        json!(number as i64)
    } else {
        json!(number)
    }
}

fn insert_location(object: &mut Map<String, serde_json::Value>, location: Option<Location>) {
    if let Some(Location { lat, lon, ele }) = location {
        object.insert("lat".into(), json_number(lat));
        object.insert("lon".into(), json_number(lon));
        if let Some(ele) = ele {
            object.insert("ele".into(), json_number(ele));
        }
    }
}

/// Reads `lat`/`lon`/`ele` from a JSON object; numbers or numeric strings.
fn location_from(object: &Map<String, serde_json::Value>) -> Option<Location> {
    let number = |key: &str| number_in_json(object.get(key)?);
    Some(Location {
        lat: number("lat")?,
        lon: number("lon")?,
        ele: number("ele"),
    })
}
