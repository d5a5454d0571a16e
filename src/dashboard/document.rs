//! A dashboard as a versioned JSON document: what the browser stores and what people export and
//! import. It holds cards and layout only, never credentials.

use super::board::Dashboard;
use super::card::{Card, CardKind, CardSize, ControlSettings};
use super::rule::{Condition, Rule};
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
        "expect_every": card.expect_every_s,
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

fn rule_json(rule: &Rule) -> Json {
    let mut object = json!({
        "feed": rule.feed.id(),
        "when": rule.condition.kind_id(),
        "hold_s": rule.hold_s,
        "hysteresis": rule.hysteresis,
    });
    let (key, value) = match &rule.condition {
        Condition::Above(limit) | Condition::Below(limit) => ("value", json!(limit)),
        Condition::Outside(low, high) => ("range", json!([low, high])),
        Condition::TextEquals(text) => ("text", json!(text)),
        Condition::SilentFor(minutes) => ("minutes", json!(minutes)),
    };
    object[key] = value;
    object
}

fn read_rule(value: &Json, position: usize) -> Result<Rule, ImportError> {
    let invalid = |what: &str| ImportError::Invalid(format!("rule {}: {what}", position + 1));
    let object = value.as_object().ok_or_else(|| invalid("not an object"))?;
    let id = object.get("feed").and_then(Json::as_str).unwrap_or("");
    let feed = FeedRef::from_id(id).ok_or_else(|| invalid(&format!("unknown feed \"{id}\"")))?;
    let finite = |key: &str| {
        object
            .get(key)
            .and_then(Json::as_f64)
            .filter(|n| n.is_finite())
    };
    let condition = match object.get("when").and_then(Json::as_str).unwrap_or("") {
        "above" => Condition::Above(finite("value").ok_or_else(|| invalid("no value"))?),
        "below" => Condition::Below(finite("value").ok_or_else(|| invalid("no value"))?),
        "outside" => {
            let range = object.get("range").and_then(Json::as_array);
            match range.map(Vec::as_slice) {
                Some([low, high]) => match (low.as_f64(), high.as_f64()) {
                    (Some(low), Some(high)) if low < high => Condition::Outside(low, high),
                    _ => return Err(invalid("the range is not low–high")),
                },
                _ => return Err(invalid("no range")),
            }
        }
        "equals" => Condition::TextEquals(
            object
                .get("text")
                .and_then(Json::as_str)
                .ok_or_else(|| invalid("no text"))?
                .to_owned(),
        ),
        "silent" => Condition::SilentFor(
            finite("minutes")
                .filter(|m| *m > 0.0)
                .ok_or_else(|| invalid("no minutes"))?,
        ),
        other => return Err(invalid(&format!("unknown condition \"{other}\""))),
    };
    let amount = |key: &str| finite(key).filter(|n| *n >= 0.0).unwrap_or(0.0);
    Ok(Rule {
        feed,
        condition,
        hold_s: amount("hold_s"),
        hysteresis: amount("hysteresis"),
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
        "rules": board.rules().iter().map(rule_json).collect::<Vec<_>>(),
    })
}

/// The dashboard as an export file's text.
pub fn export_dashboard(dashboard: &NamedDashboard) -> String {
    serde_json::to_string_pretty(&dashboard_json(dashboard)).unwrap_or_default()
}

impl NamedDashboard {
    /// What the page says after importing it; rules are named, since they start watching (and
    /// maybe notifying) at once.
    pub fn imported_message(&self) -> String {
        match self.board.rules().len() {
            0 => format!("Imported \"{}\".", self.name),
            1 => format!(
                "Imported \"{}\" with 1 alert rule, watched from now on.",
                self.name
            ),
            n => format!(
                "Imported \"{}\" with {n} alert rules, watched from now on.",
                self.name
            ),
        }
    }
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
    card.expect_every_s = object
        .get("expect_every")
        .and_then(Json::as_f64)
        .filter(|seconds| seconds.is_finite() && *seconds > 0.0);
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
    let rules = match object.get("rules") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(rules)) => rules
            .iter()
            .enumerate()
            .map(|(position, rule)| read_rule(rule, position))
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(ImportError::Invalid("\"rules\" is not a list".into())),
    };
    let mut board = Dashboard::restore(cards, placed, automatic_left);
    for rule in rules {
        board.add_rule(rule);
    }
    Ok(NamedDashboard { name, board })
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
        board.edit(gauge, |card| {
            card.gauge_ends = [Some(400.0), Some(2000.0)];
            card.expect_every_s = Some(30.0);
        });
        board.move_card(gauge, 0);
        let co2 = FeedRef::Topic("home/co2".into());
        for (condition, hold_s, hysteresis) in [
            (Condition::Above(1500.0), 60.0, 50.0),
            (Condition::Below(-2.5), 0.0, 0.0),
            (Condition::Outside(400.0, 1200.0), 5.0, 10.0),
            (Condition::TextEquals("open \"front\"".into()), 0.0, 0.0),
            (Condition::SilentFor(15.0), 0.0, 0.0),
        ] {
            board.add_rule(Rule {
                feed: co2.clone(),
                condition,
                hold_s,
                hysteresis,
            });
        }
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
        let read = import_dashboard(&text).expect("reads back");
        assert_eq!(read.board.rules().len(), 5, "every rule kind travels");
        assert_eq!(
            read.imported_message(),
            "Imported \"Home\" with 5 alert rules, watched from now on."
        );
        assert_eq!(read, dashboard);
    }

    #[test]
    fn a_damaged_rule_refuses_the_file_and_names_the_rule() {
        let file = |rule: &str| {
            format!(
                r#"{{"feedboard":"dashboard","version":1,"cards":[],"rules":[{{"feed":"topic:a","when":"above","value":1}},{rule}]}}"#
            )
        };
        for (rule, reason) in [
            (
                r#"{"feed":"topic:a","when":"hotter","value":1}"#,
                "rule 2: unknown condition \"hotter\"",
            ),
            (r#"{"feed":"topic:a","when":"above"}"#, "rule 2: no value"),
            (
                r#"{"feed":"x","when":"above","value":1}"#,
                "rule 2: unknown feed \"x\"",
            ),
            (
                r#"{"feed":"topic:a","when":"outside","range":[5,1]}"#,
                "rule 2: the range is not low–high",
            ),
            (
                r#"{"feed":"topic:a","when":"silent","minutes":0}"#,
                "rule 2: no minutes",
            ),
        ] {
            assert_eq!(
                import_dashboard(&file(rule)),
                Err(ImportError::Invalid(reason.into())),
                "{rule}"
            );
        }
        let older = import_dashboard(r#"{"feedboard":"dashboard","version":1,"cards":[]}"#);
        assert_eq!(
            older.map(|d| d.board.rules().len()),
            Ok(0),
            "files from before rules read"
        );
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
