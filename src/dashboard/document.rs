//! A dashboard as a versioned JSON document: what the browser stores and what people export and
//! import. It holds cards and layout only, never credentials.

use super::board::Dashboard;
use super::card::{Card, CardKind, CardSize, ControlSettings};
use crate::chart::window::TimeWindow;
use crate::service::feed_ref::FeedRef;
use serde_json::{json, Map, Value as Json};
use std::fmt;

/// The document version this build writes and reads.
pub const VERSION: u64 = 1;

/// Why a file cannot be read as a dashboard.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// Not JSON at all.
    NotJson(String),
    /// JSON, but not a Feedboard dashboard.
    NotADashboard,
    /// Written by a newer Feedboard.
    NewerVersion(u64),
    /// A part of it does not make sense.
    Invalid(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotJson(detail) => write!(f, "the file is not JSON ({detail})"),
            Self::NotADashboard => {
                f.write_str("this JSON file is not a Feedboard dashboard export")
            }
            Self::NewerVersion(version) => write!(
                f,
                "this dashboard was saved by a newer Feedboard (format {version}); this one reads format {VERSION}: update Feedboard to import it"
            ),
            Self::Invalid(detail) => write!(f, "the dashboard file is damaged: {detail}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// A dashboard with its name, as kept in a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedDashboard {
    /// The name on its tab.
    pub name: String,
    /// Its cards.
    pub board: Dashboard,
}

fn card_json(card: &Card) -> Json {
    let control = &card.control;
    json!({
        "id": card.id,
        "kind": card.kind.id(),
        "feeds": card.feeds.iter().map(FeedRef::id).collect::<Vec<_>>(),
        "title": card.title,
        "unit": card.unit,
        "window": card.window.id(),
        "size": card.size.id(),
        "gauge": card.gauge_range().map(|(low, high)| json!([low, high])),
        "control": {
            "on": control.on_value,
            "off": control.off_value,
            "press": control.press_value,
            "release": control.release_value,
            "min": control.min,
            "max": control.max,
            "step": control.step,
            "qos": control.qos,
        },
    })
}

/// The dashboard as a JSON value (for a profile in storage, or inside a file).
pub fn dashboard_json(dashboard: &NamedDashboard) -> Json {
    let board = &dashboard.board;
    let mut placed: Vec<String> = board.placed().map(FeedRef::id).collect();
    placed.sort();
    json!({
        "feedboard": "dashboard",
        "version": VERSION,
        "name": dashboard.name,
        "cards": board.cards().iter().map(card_json).collect::<Vec<_>>(),
        "placed": placed,
        "automatic_left": board.automatic_left(),
    })
}

/// The dashboard as an export file's text.
pub fn export_dashboard(dashboard: &NamedDashboard) -> String {
    serde_json::to_string_pretty(&dashboard_json(dashboard)).unwrap_or_default()
}

/// Reads an export file's text.
pub fn import_dashboard(text: &str) -> Result<NamedDashboard, ImportError> {
    let json: Json =
        serde_json::from_str(text).map_err(|error| ImportError::NotJson(error.to_string()))?;
    read_dashboard(&json)
}

fn text_field(object: &Map<String, Json>, key: &str, card: usize) -> Result<String, ImportError> {
    match object.get(key) {
        None | Some(Json::Null) => Ok(String::new()),
        Some(Json::String(text)) => Ok(text.clone()),
        Some(_) => Err(ImportError::Invalid(format!(
            "card {card}: \"{key}\" is not text"
        ))),
    }
}

fn number_field(object: &Map<String, Json>, key: &str, fallback: f64) -> f64 {
    object
        .get(key)
        .and_then(Json::as_f64)
        .filter(|n| n.is_finite())
        .unwrap_or(fallback)
}

fn read_card(value: &Json, position: usize) -> Result<Card, ImportError> {
    let card_number = position + 1;
    let invalid = |what: String| ImportError::Invalid(format!("card {card_number}: {what}"));
    let object = value
        .as_object()
        .ok_or_else(|| invalid("not an object".into()))?;
    let kind_id = object.get("kind").and_then(Json::as_str).unwrap_or("");
    let kind =
        CardKind::from_id(kind_id).ok_or_else(|| invalid(format!("unknown kind \"{kind_id}\"")))?;
    let feeds = object
        .get("feeds")
        .and_then(Json::as_array)
        .ok_or_else(|| invalid("no feeds".into()))?
        .iter()
        .map(|feed| {
            let id = feed.as_str().unwrap_or("");
            FeedRef::from_id(id).ok_or_else(|| invalid(format!("unknown feed \"{id}\"")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if feeds.is_empty() {
        return Err(invalid("no feeds".into()));
    }
    let id = object
        .get("id")
        .and_then(Json::as_u64)
        .and_then(|id| u32::try_from(id).ok())
        .unwrap_or(0);
    let mut card = Card::new(id, kind, feeds);
    card.title = text_field(object, "title", card_number)?;
    card.unit = text_field(object, "unit", card_number)?;
    card.window = TimeWindow::from_id(object.get("window").and_then(Json::as_str).unwrap_or(""));
    card.size = CardSize::from_id(object.get("size").and_then(Json::as_str).unwrap_or(""))
        .unwrap_or_default();
    let gauge_range = object
        .get("gauge")
        .and_then(Json::as_array)
        .and_then(|range| match range.as_slice() {
            [low, high] => Some((low.as_f64()?, high.as_f64()?)),
            _ => None,
        })
        .filter(|(low, high)| low.is_finite() && high.is_finite() && low < high);
    if let Some((low, high)) = gauge_range {
        card.gauge_ends = [Some(low), Some(high)];
    }
    if let Some(control) = object.get("control").and_then(Json::as_object) {
        let defaults = ControlSettings::default();
        let text = |key: &str, fallback: &str| {
            control
                .get(key)
                .and_then(Json::as_str)
                .unwrap_or(fallback)
                .to_owned()
        };
        let (min, max) = (
            number_field(control, "min", defaults.min),
            number_field(control, "max", defaults.max),
        );
        card.control = ControlSettings {
            on_value: text("on", &defaults.on_value),
            off_value: text("off", &defaults.off_value),
            press_value: text("press", &defaults.press_value),
            release_value: text("release", &defaults.release_value),
            min: min.min(max),
            max: max.max(min),
            step: Some(number_field(control, "step", defaults.step))
                .filter(|s| *s > 0.0)
                .unwrap_or(defaults.step),
            qos: control
                .get("qos")
                .and_then(Json::as_u64)
                .and_then(|q| u8::try_from(q).ok())
                .filter(|q| *q <= 2)
                .unwrap_or(0),
        };
    }
    Ok(card)
}

/// Reads a dashboard from its JSON value.
pub fn read_dashboard(json: &Json) -> Result<NamedDashboard, ImportError> {
    let object = json.as_object().ok_or(ImportError::NotADashboard)?;
    if object.get("feedboard").and_then(Json::as_str) != Some("dashboard") {
        return Err(ImportError::NotADashboard);
    }
    let version = object
        .get("version")
        .and_then(Json::as_u64)
        .ok_or(ImportError::NotADashboard)?;
    if version > VERSION {
        return Err(ImportError::NewerVersion(version));
    }
    let name = object
        .get("name")
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("Dashboard")
        .to_owned();
    let cards = object
        .get("cards")
        .and_then(Json::as_array)
        .ok_or_else(|| ImportError::Invalid("no list of cards".into()))?
        .iter()
        .enumerate()
        .map(|(position, card)| read_card(card, position))
        .collect::<Result<Vec<_>, _>>()?;
    let placed = object
        .get("placed")
        .and_then(Json::as_array)
        .map(|placed| {
            placed
                .iter()
                .filter_map(|feed| FeedRef::from_id(feed.as_str()?))
                .collect()
        })
        .unwrap_or_default();
    let automatic_left = object
        .get("automatic_left")
        .and_then(Json::as_u64)
        .map_or(0, |n| usize::try_from(n).unwrap_or(0));
    Ok(NamedDashboard {
        name,
        board: Dashboard::restore(cards, placed, automatic_left),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> NamedDashboard {
        let mut board = Dashboard::default();
        let chart = board.add_card(
            CardKind::Chart,
            vec![
                FeedRef::Adafruit {
                    owner: "maker".into(),
                    key: "garden.temp".into(),
                },
                FeedRef::ThingSpeakField {
                    channel: 7,
                    field: 2,
                },
            ],
        );
        board.edit(chart, |card| {
            card.unit = "°C".into();
            card.window = TimeWindow::Day;
            card.size = CardSize::Large;
        });
        let slider = board.add_card(CardKind::Slider, vec![FeedRef::Topic("home/dimmer".into())]);
        board.edit(slider, |card| {
            card.title = "Dimmer \"living\"".into();
            card.control.max = 255.0;
            card.control.qos = 1;
        });
        let gauge = board.add_card(CardKind::Gauge, vec![FeedRef::Topic("home/co2".into())]);
        board.edit(gauge, |card| card.gauge_ends = [Some(400.0), Some(2000.0)]);
        board.move_card(gauge, 0);
        NamedDashboard {
            name: "Home".into(),
            board,
        }
    }

    #[test]
    fn a_dashboard_exports_and_imports_unchanged() {
        let dashboard = sample();
        let text = export_dashboard(&dashboard);
        assert!(text.contains("\"version\": 1"));
        assert_eq!(import_dashboard(&text), Ok(dashboard));
    }

    #[test]
    fn bad_and_newer_files_are_refused_with_a_reason() {
        assert!(matches!(
            import_dashboard("not json"),
            Err(ImportError::NotJson(_))
        ));
        assert_eq!(import_dashboard("[1,2]"), Err(ImportError::NotADashboard));
        assert_eq!(
            import_dashboard(r#"{"feedboard":"profiles","version":1}"#),
            Err(ImportError::NotADashboard)
        );
        let newer = import_dashboard(r#"{"feedboard":"dashboard","version":2,"cards":[]}"#);
        assert_eq!(newer, Err(ImportError::NewerVersion(2)));
        assert!(newer.unwrap_err().to_string().contains("newer Feedboard"));
        let unknown_kind = import_dashboard(
            r#"{"feedboard":"dashboard","version":1,"cards":[{"kind":"chart","feeds":["topic:a"]},{"kind":"pie","feeds":["topic:b"]}]}"#,
        );
        assert_eq!(
            unknown_kind,
            Err(ImportError::Invalid("card 2: unknown kind \"pie\"".into()))
        );
        let bad_feed = import_dashboard(
            r#"{"feedboard":"dashboard","version":1,"cards":[{"kind":"chart","feeds":["bogus"]}]}"#,
        );
        assert!(matches!(bad_feed, Err(ImportError::Invalid(detail)) if detail.contains("bogus")));
    }

    #[test]
    fn missing_details_take_their_defaults() {
        let minimal = import_dashboard(
            r#"{"feedboard":"dashboard","version":1,"cards":[{"kind":"toggle","feeds":["topic:lamp"],"gauge":[5,1],"control":{"max":-3,"step":0}}]}"#,
        )
        .expect("reads");
        assert_eq!(minimal.name, "Dashboard");
        let card = &minimal.board.cards()[0];
        assert_eq!(card.gauge_range(), None, "an upside-down range is dropped");
        assert_eq!((card.control.min, card.control.max), (-3.0, 0.0));
        assert_eq!(card.control.step, 1.0);
        assert_eq!(card.id, 1);
    }
}
