//! Connection profiles: the connections a person uses (Adafruit IO, ThingSpeak, a broker, the
//! local demo), each with its subscriptions and its dashboards, kept in the browser. A secret
//! (password, AIO key) is written to storage only when the person asked for it to be
//! remembered; otherwise it lives in memory for the page's life. No browser code.

mod connection;
mod dashboards;

pub use connection::{default_name, name_for_service, ProfileDetails};

use crate::budget::budgets::{PlanChoice, DEFAULT_MARGIN};
use crate::dashboard::document::{dashboard_json, read_dashboard, NamedDashboard};
use crate::json_text::json_text;
use crate::mqtt::QoS;
use crate::service::descriptor::{LimitScope, RateLimit, ADAFRUIT_IO, THINGSPEAK};
use crate::service::ServiceKind;
use serde_json::{json, Value as Json};
use std::time::Duration;

/// The storage format version of the profile book.
pub const VERSION: u64 = 1;

/// One saved connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Identifies the profile.
    pub id: String,
    /// The name shown in the list.
    pub name: String,
    /// The service.
    pub service: ServiceKind,
    /// The broker URL.
    pub url: String,
    /// Client ID (a persistent session needs a fixed one).
    pub client_id: String,
    /// User name.
    pub username: String,
    /// Password or key, in memory; stored only if `remember_secret`.
    pub secret: Option<String>,
    /// Whether the person asked to keep the secret on this device.
    pub remember_secret: bool,
    /// The plan the budgets follow.
    pub plan: PlanChoice,
    /// Safety margin below the limits.
    pub margin: f64,
    /// Clean session (false keeps the session at the broker).
    pub clean_session: bool,
    /// ThingSpeak channels to follow.
    pub channels: Vec<u64>,
    /// The HTTP API address for history (empty: worked out from the service and broker URL).
    pub history_api: String,
    /// ThingSpeak Read API keys of private channels; stored only if `remember_secret`, like
    /// the password.
    pub read_keys: Vec<(u64, String)>,
    /// Subscriptions made on connect.
    pub subscriptions: Vec<(String, QoS)>,
    /// The profile's dashboards, at least one.
    pub dashboards: Vec<NamedDashboard>,
    /// The dashboard shown.
    pub active_dashboard: usize,
}

/// A ready-made profile to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Adafruit IO with its URL and the free plan.
    AdafruitIo,
    /// ThingSpeak with its URL and the free licence.
    ThingSpeak,
    /// Any MQTT broker.
    Broker,
    /// The local demo broker with its demo sensors.
    LocalDemo,
}

impl Profile {
    /// A new profile from `preset`, with id `id`.
    pub fn from_preset(preset: Preset, id: &str) -> Self {
        let (service, name, url, subscriptions) = match preset {
            Preset::AdafruitIo => (
                ServiceKind::AdafruitIo,
                "Adafruit IO",
                ADAFRUIT_IO.default_url,
                Vec::new(),
            ),
            Preset::ThingSpeak => (
                ServiceKind::ThingSpeak,
                "ThingSpeak",
                THINGSPEAK.default_url,
                Vec::new(),
            ),
            Preset::Broker => (ServiceKind::Generic, "MQTT broker", "", Vec::new()),
            Preset::LocalDemo => (
                ServiceKind::Generic,
                "Local demo",
                "ws://localhost:9001/mqtt",
                vec![("demo/#".to_owned(), QoS::AtMostOnce)],
            ),
        };
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            service,
            url: url.to_owned(),
            client_id: String::new(),
            username: String::new(),
            secret: None,
            remember_secret: false,
            plan: PlanChoice::Named(String::new()),
            margin: DEFAULT_MARGIN,
            clean_session: true,
            channels: Vec::new(),
            history_api: String::new(),
            read_keys: Vec::new(),
            subscriptions,
            dashboards: vec![NamedDashboard {
                name: "Main".to_owned(),
                board: Default::default(),
            }],
            active_dashboard: 0,
        }
    }

    /// Whether this profile is the connection `service` `url` `username` (what makes two
    /// profiles the same).
    pub fn is_connection(&self, service: ServiceKind, url: &str, username: &str) -> bool {
        self.service == service
            && self.url.trim() == url.trim()
            && self.username.trim() == username.trim()
    }

    fn to_json(&self) -> Json {
        let plan = match &self.plan {
            PlanChoice::Named(id) => json!(id),
            PlanChoice::Custom(limit) => json!({"custom_per_minute": limit.count}),
        };
        json!({
            "id": self.id,
            "name": self.name,
            "service": self.service.id(),
            "url": self.url,
            "client_id": self.client_id,
            "username": self.username,
            "remember_secret": self.remember_secret,
            // The secret is written only when the person asked for it.
            "secret": if self.remember_secret { self.secret.clone() } else { None },
            "plan": plan,
            "margin": self.margin,
            "clean_session": self.clean_session,
            "channels": self.channels,
            "history_api": self.history_api,
            "read_keys": if self.remember_secret {
                self.read_keys.iter().map(|(c, k)| json!([c, k])).collect::<Vec<_>>()
            } else {
                Vec::new()
            },
            "subscriptions": self.subscriptions.iter().map(|(f, q)| json!([f, q.level()])).collect::<Vec<_>>(),
            "dashboards": self.dashboards.iter().map(dashboard_json).collect::<Vec<_>>(),
            "active_dashboard": self.active_dashboard,
        })
    }

    fn from_json(json: &Json) -> Option<Self> {
        let text = |key: &str| json.get(key).and_then(Json::as_str).map(str::to_owned);
        let service = ServiceKind::from_id(&text("service")?)?;
        let plan = match json.get("plan") {
            Some(Json::Object(custom)) => custom
                .get("custom_per_minute")
                .and_then(Json::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
                .map(|count| {
                    PlanChoice::Custom(RateLimit {
                        count,
                        period: Duration::from_secs(60),
                        scope: LimitScope::Account,
                    })
                })
                .unwrap_or(PlanChoice::Named(String::new())),
            Some(Json::String(id)) => PlanChoice::Named(id.clone()),
            _ => PlanChoice::Named(String::new()),
        };
        let mut dashboards: Vec<NamedDashboard> = json
            .get("dashboards")
            .and_then(Json::as_array)
            .map(|list| list.iter().filter_map(|d| read_dashboard(d).ok()).collect())
            .unwrap_or_default();
        if dashboards.is_empty() {
            dashboards.push(NamedDashboard {
                name: "Main".to_owned(),
                board: Default::default(),
            });
        }
        let active_dashboard = json
            .get("active_dashboard")
            .and_then(Json::as_u64)
            .map_or(0, |n| usize::try_from(n).unwrap_or(0))
            .min(dashboards.len() - 1);
        let remember_secret = json
            .get("remember_secret")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        Some(Self {
            id: text("id")?,
            name: text("name").unwrap_or_else(|| "Connection".to_owned()),
            service,
            url: text("url").unwrap_or_default(),
            client_id: text("client_id").unwrap_or_default(),
            username: text("username").unwrap_or_default(),
            secret: if remember_secret {
                text("secret")
            } else {
                None
            },
            remember_secret,
            plan,
            margin: json
                .get("margin")
                .and_then(Json::as_f64)
                .filter(|m| (0.0..=0.5).contains(m))
                .unwrap_or(DEFAULT_MARGIN),
            clean_session: json
                .get("clean_session")
                .and_then(Json::as_bool)
                .unwrap_or(true),
            channels: json
                .get("channels")
                .and_then(Json::as_array)
                .map(|list| list.iter().filter_map(Json::as_u64).collect())
                .unwrap_or_default(),
            history_api: text("history_api").unwrap_or_default(),
            read_keys: json
                .get("read_keys")
                .and_then(Json::as_array)
                .filter(|_| remember_secret)
                .map(|list| {
                    list.iter()
                        .filter_map(|entry| {
                            let [channel, key] = entry.as_array()?.as_slice() else {
                                return None;
                            };
                            Some((channel.as_u64()?, key.as_str()?.to_owned()))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            subscriptions: json
                .get("subscriptions")
                .and_then(Json::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|entry| {
                            let [filter, qos] = entry.as_array()?.as_slice() else {
                                return None;
                            };
                            let qos = QoS::from_level(u8::try_from(qos.as_u64()?).ok()?)?;
                            Some((filter.as_str()?.to_owned(), qos))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            dashboards,
            active_dashboard,
        })
    }
}

/// Every saved profile, and which one is in use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileBook {
    /// The profiles, in the order they were made.
    pub profiles: Vec<Profile>,
    /// The id of the profile in use.
    pub active: Option<String>,
}

impl ProfileBook {
    /// The profile in use.
    pub fn active(&self) -> Option<&Profile> {
        let id = self.active.as_ref()?;
        self.profiles.iter().find(|p| &p.id == id)
    }

    /// The profile in use, to change.
    pub fn active_mut(&mut self) -> Option<&mut Profile> {
        let id = self.active.clone()?;
        self.profiles.iter_mut().find(|p| p.id == id)
    }

    /// The profile with `id`.
    pub fn get(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// The profile for this connection, if one is saved.
    pub fn find_connection(
        &self,
        service: ServiceKind,
        url: &str,
        username: &str,
    ) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|p| p.is_connection(service, url, username))
    }

    /// Adds `profile` or replaces the one with its id, and makes it the one in use.
    pub fn save(&mut self, profile: Profile) {
        self.active = Some(profile.id.clone());
        match self.profiles.iter_mut().find(|p| p.id == profile.id) {
            Some(existing) => *existing = profile,
            None => self.profiles.push(profile),
        }
    }

    /// Removes the profile with `id`.
    pub fn remove(&mut self, id: &str) {
        self.profiles.retain(|p| p.id != id);
        if self.active.as_deref() == Some(id) {
            self.active = None;
        }
    }

    /// The book as stored text: secrets only where the person asked to remember them.
    pub fn encode(&self) -> String {
        json_text(&json!({
            "feedboard": "profiles",
            "version": VERSION,
            "active": self.active,
            "profiles": self.profiles.iter().map(Profile::to_json).collect::<Vec<_>>(),
        }))
    }

    /// Reads stored text. A damaged or newer book gives `None` (the page then starts afresh
    /// and says so); unreadable profiles inside an otherwise good book are left out.
    pub fn decode(text: &str) -> Option<Self> {
        let json: Json = serde_json::from_str(text).ok()?;
        if json.get("feedboard")?.as_str()? != "profiles"
            || json.get("version")?.as_u64()? > VERSION
        {
            return None;
        }
        let profiles: Vec<Profile> = json
            .get("profiles")?
            .as_array()?
            .iter()
            .filter_map(Profile::from_json)
            .collect();
        let active = json
            .get("active")
            .and_then(Json::as_str)
            .filter(|id| profiles.iter().any(|p| p.id == *id))
            .map(str::to_owned);
        Some(Self { profiles, active })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::card::CardKind;
    use crate::service::feed_ref::FeedRef;

    fn adafruit(remember: bool) -> Profile {
        let mut profile = Profile::from_preset(Preset::AdafruitIo, "p1");
        profile.username = "maker".into();
        profile.secret = Some("aio_SECRETKEY123".into());
        profile.remember_secret = remember;
        profile.plan = PlanChoice::Named("plus".into());
        profile.subscriptions = vec![("maker/f/+".into(), QoS::AtLeastOnce)];
        let board = &mut profile.dashboards[0].board;
        board.add_card(
            CardKind::Toggle,
            vec![FeedRef::Adafruit {
                owner: "maker".into(),
                key: "lamp".into(),
            }],
        );
        profile
    }

    #[test]
    fn a_book_round_trips_but_keeps_a_secret_only_when_asked() {
        let with_read_key = |remember| {
            let mut profile = adafruit(remember);
            profile.history_api = "http://127.0.0.1:9101/api/v2".into();
            profile.read_keys = vec![(1000, "READKEY77".into())];
            profile
        };
        let mut book = ProfileBook::default();
        book.save(with_read_key(false));
        let text = book.encode();
        assert!(
            !text.contains("aio_SECRETKEY123") && !text.contains("READKEY77"),
            "not remembered: not stored"
        );
        let read = ProfileBook::decode(&text).expect("reads");
        let mut expected = with_read_key(false);
        expected.secret = None;
        expected.read_keys.clear();
        assert_eq!(read.profiles, vec![expected]);
        assert_eq!(read.active.as_deref(), Some("p1"));

        let mut remembering = ProfileBook::default();
        remembering.save(with_read_key(true));
        let text = remembering.encode();
        assert!(text.contains("aio_SECRETKEY123"), "remembered on request");
        assert!(text.contains("READKEY77"), "read keys too");
        assert_eq!(ProfileBook::decode(&text), Some(remembering));
    }

    #[test]
    fn presets_fill_what_each_kind_of_connection_needs() {
        let demo = Profile::from_preset(Preset::LocalDemo, "d");
        assert_eq!(demo.url, "ws://localhost:9001/mqtt");
        assert_eq!(
            demo.subscriptions,
            vec![("demo/#".to_owned(), QoS::AtMostOnce)]
        );
        let ts = Profile::from_preset(Preset::ThingSpeak, "t");
        assert_eq!(
            (ts.service, ts.url.as_str()),
            (
                ServiceKind::ThingSpeak,
                "wss://mqtt3.thingspeak.com:443/mqtt"
            )
        );
        assert_eq!(ts.dashboards.len(), 1);
        assert!(ts.is_connection(
            ServiceKind::ThingSpeak,
            " wss://mqtt3.thingspeak.com:443/mqtt ",
            ""
        ));
    }

    #[test]
    fn damaged_or_newer_books_are_not_read_and_bad_profiles_are_left_out() {
        assert_eq!(ProfileBook::decode("{oops"), None);
        assert_eq!(
            ProfileBook::decode(r#"{"feedboard":"profiles","version":9,"profiles":[]}"#),
            None
        );
        let partly = ProfileBook::decode(
            r#"{"feedboard":"profiles","version":1,"active":"gone","profiles":[{"id":"a","service":"warp"},{"id":"b","service":"generic","dashboards":[{"feedboard":"dashboard","version":1,"cards":[{"kind":"pie","feeds":["topic:x"]}]}]}]}"#,
        )
        .expect("reads");
        assert_eq!(partly.profiles.len(), 1);
        assert_eq!(
            partly.active, None,
            "an active id that is not there is dropped"
        );
        assert_eq!(
            partly.profiles[0].dashboards.len(),
            1,
            "a bad dashboard becomes an empty one"
        );
        let mut book = ProfileBook::default();
        book.save(adafruit(false));
        book.save(Profile::from_preset(Preset::Broker, "p2"));
        assert_eq!(book.active.as_deref(), Some("p2"));
        book.remove("p2");
        assert_eq!((book.profiles.len(), book.active.clone()), (1, None));
        assert!(book
            .find_connection(
                ServiceKind::AdafruitIo,
                "wss://io.adafruit.com:443/mqtt",
                "maker"
            )
            .is_some());
    }
}
