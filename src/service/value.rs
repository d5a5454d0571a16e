//! A feed value as the dashboard sees it: a number to chart, or text to show.

use crate::decimal::parse_finite;
use crate::json_text::json_text;
use std::fmt;

/// A number the services write either as a JSON number or as a string ("52.1"); `None` for
/// anything else. (JSON has no infinities, so every number it gives is finite.)
pub fn number_in_json(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(text) => parse_finite(text),
        _ => None,
    }
}

/// One received value. Numbers are charted; anything else is kept as text, never an error.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A finite number.
    Number(f64),
    /// Anything else, exactly as received (JSON values are kept in compact JSON form).
    Text(String),
}

impl Value {
    /// A number when `text` is one (surrounding spaces allowed; `NaN` and `inf` are text).
    pub fn from_text(text: &str) -> Value {
        match parse_finite(text) {
            Some(number) if looks_numeric(text.trim()) => Value::Number(number),
            _ => Value::Text(text.to_owned()),
        }
    }

    /// The value of a JSON `value` field: numbers stay numbers, strings are read like raw
    /// values, anything else is kept as compact JSON text.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Number(number) => number
                .as_f64()
                .filter(|n| n.is_finite())
                .map(Value::Number)
                .unwrap_or_else(|| Value::Text(number.to_string())),
            serde_json::Value::String(text) => Value::from_text(text),
            other => Value::Text(json_text(other)),
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(number) => Some(*number),
            Value::Text(_) => None,
        }
    }
}

/// Rust's float parser also takes "infinity", "nan" and "1e5"; only the last is a number a
/// sensor would send, and only digit-bearing forms are accepted.
fn looks_numeric(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(number) => write!(f, "{number}"),
            Value::Text(text) => f.write_str(text),
        }
    }
}

/// Where a value was measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Elevation in metres, if given.
    pub ele: Option<f64>,
}

/// A value with its optional location.
#[derive(Debug, Clone, PartialEq)]
pub struct Datum {
    /// The value.
    pub value: Value,
    /// Where it was measured.
    pub location: Option<Location>,
}

impl Datum {
    /// A value without location.
    pub fn plain(value: Value) -> Self {
        Self {
            value,
            location: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_numbers_and_everything_else_is_text() {
        assert_eq!(Value::from_text("22.587"), Value::Number(22.587));
        assert_eq!(Value::from_text(" -3 "), Value::Number(-3.0));
        assert_eq!(Value::from_text("1e3"), Value::Number(1000.0));
        assert_eq!(Value::from_text("ON"), Value::Text("ON".into()));
        assert_eq!(Value::from_text("NaN"), Value::Text("NaN".into()));
        assert_eq!(Value::from_text("inf"), Value::Text("inf".into()));
        assert_eq!(Value::from_text(""), Value::Text("".into()));
        assert_eq!(Value::from_text("#ff0000"), Value::Text("#ff0000".into()));
    }

    #[test]
    fn json_values_keep_their_shape() {
        let json: serde_json::Value =
            serde_json::from_str(r#"{"sensor-1":22.587,"sensor-2":13.182}"#).unwrap(); // ok: test literal
        assert_eq!(
            Value::from_json(&json),
            Value::Text(r#"{"sensor-1":22.587,"sensor-2":13.182}"#.into())
        );
        assert_eq!(
            Value::from_json(&serde_json::json!("12.5")),
            Value::Number(12.5)
        );
        assert_eq!(
            Value::from_json(&serde_json::json!(true)),
            Value::Text("true".into())
        );
    }
}
