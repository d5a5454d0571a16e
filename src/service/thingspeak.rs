//! ThingSpeak's topics and payloads: channel and field publish/subscribe topics, the
//! form-encoded channel update, and the JSON a channel subscription delivers.

use super::value::{number_in_json, Datum, Location, Value};
use crate::decimal::parse_finite;
use crate::json_text::json_text;
use serde_json::{json, Map};
use std::fmt;

/// Fields per channel.
pub const FIELD_COUNT: usize = 8;

/// A ThingSpeak topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThingSpeakTopic {
    /// `channels/{id}/publish`: a form-encoded update of several fields.
    ChannelPublish { channel: u64 },
    /// `channels/{id}/publish/fields/field{n}`: one field's raw value.
    FieldPublish { channel: u64, field: u8 },
    /// `channels/{id}/subscribe`: JSON per channel update.
    ChannelSubscribe { channel: u64 },
    /// `channels/{id}/subscribe/fields/field{n}`, or `/fields/+` for all fields (`None`).
    FieldSubscribe { channel: u64, field: Option<u8> },
}

impl ThingSpeakTopic {
    /// Parses a topic; `None` if it is not a ThingSpeak channel topic.
    pub fn parse(topic: &str) -> Option<Self> {
        let parts: Vec<&str> = topic.split('/').collect();
        let channel_of = |id: &str| -> Option<u64> {
            id.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| id.parse().ok())?
        };
        match parts.as_slice() {
            ["channels", id, "publish"] => Some(Self::ChannelPublish {
                channel: channel_of(id)?,
            }),
            ["channels", id, "publish", "fields", field] => Some(Self::FieldPublish {
                channel: channel_of(id)?,
                field: parse_field(field)?,
            }),
            ["channels", id, "subscribe"] => Some(Self::ChannelSubscribe {
                channel: channel_of(id)?,
            }),
            ["channels", id, "subscribe", "fields", "+"] => Some(Self::FieldSubscribe {
                channel: channel_of(id)?,
                field: None,
            }),
            ["channels", id, "subscribe", "fields", field] => Some(Self::FieldSubscribe {
                channel: channel_of(id)?,
                field: Some(parse_field(field)?),
            }),
            _ => None,
        }
    }

    /// The channel the topic belongs to.
    pub fn channel(&self) -> u64 {
        match *self {
            Self::ChannelPublish { channel }
            | Self::FieldPublish { channel, .. }
            | Self::ChannelSubscribe { channel }
            | Self::FieldSubscribe { channel, .. } => channel,
        }
    }
}

/// `field1` … `field8` → 1 … 8.
fn parse_field(name: &str) -> Option<u8> {
    let n: u8 = name.strip_prefix("field")?.parse().ok()?;
    (1..=8).contains(&n).then_some(n)
}

impl fmt::Display for ThingSpeakTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ChannelPublish { channel } => write!(f, "channels/{channel}/publish"),
            Self::FieldPublish { channel, field } => {
                write!(f, "channels/{channel}/publish/fields/field{field}")
            }
            Self::ChannelSubscribe { channel } => write!(f, "channels/{channel}/subscribe"),
            Self::FieldSubscribe {
                channel,
                field: None,
            } => write!(f, "channels/{channel}/subscribe/fields/+"),
            Self::FieldSubscribe {
                channel,
                field: Some(field),
            } => write!(f, "channels/{channel}/subscribe/fields/field{field}"),
        }
    }
}

/// A channel update as published to `channels/{id}/publish`. Every part is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelUpdate {
    /// field1 … field8 (index 0 is field1).
    pub fields: [Option<String>; FIELD_COUNT],
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude (the form key is `long`).
    pub long: Option<f64>,
    /// Elevation.
    pub elevation: Option<f64>,
    /// Status text.
    pub status: Option<String>,
    /// Timestamp, ISO 8601.
    pub created_at: Option<String>,
}

impl ChannelUpdate {
    /// The form-encoded payload: `field1=45&field2=60&lat=…&long=…&status=…`.
    pub fn encode_form(&self) -> String {
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (index, value) in self.fields.iter().enumerate() {
            if let Some(value) = value {
                form.append_pair(&format!("field{}", index + 1), value);
            }
        }
        let numbers = [
            ("lat", self.lat),
            ("long", self.long),
            ("elevation", self.elevation),
        ];
        for (key, value) in numbers {
            if let Some(value) = value {
                form.append_pair(key, &value.to_string());
            }
        }
        if let Some(status) = &self.status {
            form.append_pair("status", status);
        }
        if let Some(created_at) = &self.created_at {
            form.append_pair("created_at", created_at);
        }
        form.finish()
    }

    /// Reads a form-encoded channel update; unknown keys are ignored, as the service does.
    pub fn decode_form(payload: &str) -> Self {
        let mut update = Self::default();
        for (key, value) in form_urlencoded::parse(payload.as_bytes()) {
            let number = || parse_finite(&value);
            match key.as_ref() {
                "lat" => update.lat = number(),
                "long" => update.long = number(),
                "elevation" => update.elevation = number(),
                "status" => update.status = Some(value.into_owned()),
                "created_at" => update.created_at = Some(value.into_owned()),
                other => {
                    if let Some(n) = parse_field(other) {
                        update.fields[usize::from(n) - 1] = Some(value.into_owned());
                    }
                }
            }
        }
        update
    }

    /// Whether the update carries no field, location or status at all.
    pub fn is_empty(&self) -> bool {
        self.fields.iter().all(Option::is_none)
            && self.lat.is_none()
            && self.long.is_none()
            && self.elevation.is_none()
            && self.status.is_none()
    }
}

/// One channel entry as a `channels/{id}/subscribe` message delivers it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelEntry {
    /// Channel id.
    pub channel_id: u64,
    /// Entry number in the channel.
    pub entry_id: u64,
    /// Timestamp as the service wrote it.
    pub created_at: String,
    /// field1 … field8; absent fields are `None`.
    pub fields: [Option<String>; FIELD_COUNT],
    /// Latitude/longitude/elevation when given.
    pub location: Option<Location>,
    /// Status text.
    pub status: Option<String>,
}

impl ChannelEntry {
    /// Reads a channel subscription message. `None` if it is not a JSON object with a channel
    /// and entry id.
    pub fn decode_json(payload: &str) -> Option<Self> {
        let serde_json::Value::Object(object) = serde_json::from_str(payload).ok()? else {
            return None;
        };
        let text = |key: &str| -> Option<String> {
            match object.get(key)? {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s.clone()),
                other => Some(json_text(other)),
            }
        };
        let number = |key: &str| number_in_json(object.get(key)?);
        let integer = |key: &str| -> Option<u64> {
            match object.get(key)? {
                serde_json::Value::Number(n) => n.as_u64(),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }
        };
        let fields = std::array::from_fn(|index| text(&format!("field{}", index + 1)));
        let location = match (number("latitude"), number("longitude")) {
            (Some(lat), Some(lon)) => Some(Location {
                lat,
                lon,
                ele: number("elevation"),
            }),
            _ => None,
        };
        Some(Self {
            channel_id: integer("channel_id")?,
            entry_id: integer("entry_id")?,
            created_at: text("created_at").unwrap_or_default(),
            fields,
            location,
            status: text("status"),
        })
    }

    /// The JSON the service sends subscribers: field values as strings, absent ones null.
    pub fn encode_json(&self) -> String {
        let mut object = Map::new();
        object.insert("channel_id".into(), json!(self.channel_id));
        object.insert("created_at".into(), json!(self.created_at));
        object.insert("entry_id".into(), json!(self.entry_id));
        for (index, value) in self.fields.iter().enumerate() {
            object.insert(format!("field{}", index + 1), json!(value));
        }
        let coordinate = |f: fn(&Location) -> Option<f64>| {
            json!(self.location.as_ref().and_then(f).map(|n| n.to_string()))
        };
        object.insert("latitude".into(), coordinate(|l| Some(l.lat)));
        object.insert("longitude".into(), coordinate(|l| Some(l.lon)));
        object.insert("elevation".into(), coordinate(|l| l.ele));
        object.insert("status".into(), json!(self.status));
        json_text(&serde_json::Value::Object(object))
    }

    /// The entry's fields as data, `(field number, datum)` for each field present.
    pub fn data(&self) -> Vec<(u8, Datum)> {
        (1u8..)
            .zip(&self.fields)
            .filter_map(|(n, value)| {
                value.as_ref().map(|text| {
                    (
                        n,
                        Datum {
                            value: Value::from_text(text),
                            location: self.location,
                        },
                    )
                })
            })
            .collect()
    }
}
