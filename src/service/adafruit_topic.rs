//! Adafruit IO's topic grammar, both directions: every topic form the service documents, built
//! from a typed value and parsed back from a received topic name.

use std::fmt;

/// The payload format a feed or group topic carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The base topic: raw value (or value JSON when publishing).
    Plain,
    /// `/json`.
    Json,
    /// `/csv`.
    Csv,
}

impl Format {
    fn suffix(self) -> &'static str {
        match self {
            Format::Plain => "",
            Format::Json => "/json",
            Format::Csv => "/csv",
        }
    }
}

/// What a `time/...` topic publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeTopic {
    /// `time/seconds`: epoch seconds, every second.
    Seconds,
    /// `time/millis`: epoch milliseconds, every second.
    Millis,
    /// `time/ISO-8601`: `2019-07-03T14:47:16.038Z`, every second.
    Iso8601,
    /// `time/hours`: 0–23 UTC, once an hour.
    Hours,
}

impl TimeTopic {
    fn name(self) -> &'static str {
        match self {
            TimeTopic::Seconds => "seconds",
            TimeTopic::Millis => "millis",
            TimeTopic::Iso8601 => "ISO-8601",
            TimeTopic::Hours => "hours",
        }
    }

    /// Every time topic.
    pub const ALL: [TimeTopic; 4] = [Self::Seconds, Self::Millis, Self::Iso8601, Self::Hours];
}

/// Weather forecast kinds (IO+).
pub const WEATHER_KINDS: [&str; 10] = [
    "current",
    "forecast_minutes_5",
    "forecast_minutes_30",
    "forecast_hours_1",
    "forecast_hours_2",
    "forecast_hours_6",
    "forecast_hours_24",
    "forecast_days_1",
    "forecast_days_2",
    "forecast_days_5",
];

/// Air-quality kinds.
pub const AIR_QUALITY_KINDS: [&str; 3] = ["current", "forecast_today", "forecast_tomorrow"];

/// The integration a randomizer/weather/air-quality topic belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Integration {
    /// `integration/words/{id}`.
    Words,
    /// `integration/weather/{id}/{kind}`.
    Weather(String),
    /// `integration/air_quality/{id}/{kind}`.
    AirQuality(String),
}

/// A topic on Adafruit IO. `owner` is the user name in the topic; it differs from the logged-in
/// user for shared feeds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AdafruitTopic {
    /// A feed: `{owner}/feeds/{key}` or `{owner}/f/{key}`, with an optional format suffix.
    /// `key` may be `group.key`.
    Feed {
        owner: String,
        key: String,
        format: Format,
        short: bool,
    },
    /// A feed's last-value request: the feed topic plus `/get`.
    FeedGet {
        owner: String,
        key: String,
        format: Format,
        short: bool,
    },
    /// A group: `{owner}/groups/{group}` or `{owner}/g/{group}`.
    Group {
        owner: String,
        group: String,
        format: Format,
        short: bool,
    },
    /// A group's last-value request.
    GroupGet {
        owner: String,
        group: String,
        format: Format,
        short: bool,
    },
    /// `time/...`.
    Time(TimeTopic),
    /// `{owner}/integration/...` (`plural`: the documentation's `integrations/` spelling).
    Integration {
        owner: String,
        integration: Integration,
        id: String,
        plural: bool,
    },
    /// `{owner}/errors`.
    Errors { owner: String },
    /// `{owner}/throttle`.
    Throttle { owner: String },
}

impl AdafruitTopic {
    /// The plain feed topic `{owner}/feeds/{key}`.
    pub fn feed(owner: &str, key: &str) -> Self {
        Self::Feed {
            owner: owner.to_owned(),
            key: key.to_owned(),
            format: Format::Plain,
            short: false,
        }
    }

    /// The plain group topic `{owner}/groups/{group}`.
    pub fn group(owner: &str, group: &str) -> Self {
        Self::Group {
            owner: owner.to_owned(),
            group: group.to_owned(),
            format: Format::Plain,
            short: false,
        }
    }

    /// The `/get` topic that asks for this feed's or group's last value, if it has one.
    pub fn get_topic(&self) -> Option<Self> {
        match self.clone() {
            Self::Feed {
                owner,
                key,
                format,
                short,
            } => Some(Self::FeedGet {
                owner,
                key,
                format,
                short,
            }),
            Self::Group {
                owner,
                group,
                format,
                short,
            } => Some(Self::GroupGet {
                owner,
                group,
                format,
                short,
            }),
            _ => None,
        }
    }

    /// Parses a topic name; `None` for topics that are not Adafruit IO resources.
    pub fn parse(topic: &str) -> Option<Self> {
        let parts: Vec<&str> = topic.split('/').collect();
        if parts.iter().any(|part| part.is_empty()) {
            return None;
        }
        match parts.as_slice() {
            ["time", name] => TimeTopic::ALL
                .into_iter()
                .find(|t| t.name() == *name)
                .map(Self::Time),
            [owner, "errors"] => Some(Self::Errors {
                owner: (*owner).to_owned(),
            }),
            [owner, "throttle"] => Some(Self::Throttle {
                owner: (*owner).to_owned(),
            }),
            [owner, kind @ ("feeds" | "f"), key, rest @ ..] => {
                let (format, get) = parse_suffix(rest)?;
                let (owner, key, short) = ((*owner).to_owned(), (*key).to_owned(), *kind == "f");
                Some(if get {
                    Self::FeedGet {
                        owner,
                        key,
                        format,
                        short,
                    }
                } else {
                    Self::Feed {
                        owner,
                        key,
                        format,
                        short,
                    }
                })
            }
            [owner, kind @ ("groups" | "g"), group, rest @ ..] => {
                let (format, get) = parse_suffix(rest)?;
                let (owner, group, short) =
                    ((*owner).to_owned(), (*group).to_owned(), *kind == "g");
                Some(if get {
                    Self::GroupGet {
                        owner,
                        group,
                        format,
                        short,
                    }
                } else {
                    Self::Group {
                        owner,
                        group,
                        format,
                        short,
                    }
                })
            }
            [owner, base @ ("integration" | "integrations"), rest @ ..] => {
                let (integration, id) = match rest {
                    ["words", id] => (Integration::Words, *id),
                    ["weather", id, kind] if WEATHER_KINDS.contains(kind) => {
                        (Integration::Weather((*kind).to_owned()), *id)
                    }
                    ["air_quality", id, kind] if AIR_QUALITY_KINDS.contains(kind) => {
                        (Integration::AirQuality((*kind).to_owned()), *id)
                    }
                    _ => return None,
                };
                Some(Self::Integration {
                    owner: (*owner).to_owned(),
                    integration,
                    id: id.to_owned(),
                    plural: *base == "integrations",
                })
            }
            _ => None,
        }
    }
}

fn parse_suffix(rest: &[&str]) -> Option<(Format, bool)> {
    let format_of = |name: &str| match name {
        "json" => Some(Format::Json),
        "csv" => Some(Format::Csv),
        _ => None,
    };
    match rest {
        [] => Some((Format::Plain, false)),
        ["get"] => Some((Format::Plain, true)),
        [format] => format_of(format).map(|f| (f, false)),
        [format, "get"] => format_of(format).map(|f| (f, true)),
        _ => None,
    }
}

impl fmt::Display for AdafruitTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = |short: bool, long: &'static str, abbreviated: &'static str| {
            if short {
                abbreviated
            } else {
                long
            }
        };
        match self {
            Self::Feed {
                owner,
                key,
                format,
                short,
            } => write!(
                f,
                "{owner}/{}/{key}{}",
                kind(*short, "feeds", "f"),
                format.suffix()
            ),
            Self::FeedGet {
                owner,
                key,
                format,
                short,
            } => write!(
                f,
                "{owner}/{}/{key}{}/get",
                kind(*short, "feeds", "f"),
                format.suffix()
            ),
            Self::Group {
                owner,
                group,
                format,
                short,
            } => write!(
                f,
                "{owner}/{}/{group}{}",
                kind(*short, "groups", "g"),
                format.suffix()
            ),
            Self::GroupGet {
                owner,
                group,
                format,
                short,
            } => write!(
                f,
                "{owner}/{}/{group}{}/get",
                kind(*short, "groups", "g"),
                format.suffix()
            ),
            Self::Time(time) => write!(f, "time/{}", time.name()),
            Self::Integration {
                owner,
                integration,
                id,
                plural,
            } => {
                let base = if *plural {
                    "integrations"
                } else {
                    "integration"
                };
                match integration {
                    Integration::Words => write!(f, "{owner}/{base}/words/{id}"),
                    Integration::Weather(kind) => write!(f, "{owner}/{base}/weather/{id}/{kind}"),
                    Integration::AirQuality(kind) => {
                        write!(f, "{owner}/{base}/air_quality/{id}/{kind}")
                    }
                }
            }
            Self::Errors { owner } => write!(f, "{owner}/errors"),
            Self::Throttle { owner } => write!(f, "{owner}/throttle"),
        }
    }
}
