//! A dashboard card: what it shows (its kind), which feeds, and its own settings.

use crate::chart::window::TimeWindow;
use crate::feeds::series::FeedSeries;
use crate::service::incoming::FeedRef;

/// How a card shows its feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardKind {
    /// A line chart of one or more numeric feeds.
    Chart,
    /// The last value, large, with its age and trend.
    Number,
    /// The last value on a dial between a minimum and a maximum.
    Gauge,
    /// The latest text values, newest first.
    Text,
    /// The latest locations with their values.
    Location,
    /// A switch that publishes its on or off value.
    Toggle,
    /// A push button: a value when pressed (and another when let go, if set).
    Button,
    /// A slider between a minimum and a maximum.
    Slider,
    /// A number typed and sent.
    NumberInput,
    /// Text typed and sent.
    TextInput,
    /// A colour picker sending `#rrggbb`.
    Colour,
    /// A ThingSpeak channel's fields edited together and sent as one channel update.
    ChannelForm,
}

impl CardKind {
    /// Every kind, in menu order, with a stable id and a label.
    pub const ALL: [(CardKind, &'static str, &'static str); 12] = [
        (CardKind::Chart, "chart", "Chart"),
        (CardKind::Number, "number", "Big number"),
        (CardKind::Gauge, "gauge", "Gauge"),
        (CardKind::Text, "text", "Text stream"),
        (CardKind::Location, "location", "Location"),
        (CardKind::Toggle, "toggle", "Toggle switch"),
        (CardKind::Button, "button", "Push button"),
        (CardKind::Slider, "slider", "Slider"),
        (CardKind::NumberInput, "number-input", "Number input"),
        (CardKind::TextInput, "text-input", "Text input"),
        (CardKind::Colour, "colour", "Colour picker"),
        (
            CardKind::ChannelForm,
            "channel-form",
            "ThingSpeak channel form",
        ),
    ];

    /// The kind with id `id`.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, i, _)| *i == id)
            .map(|(kind, _, _)| *kind)
    }

    /// The stable id.
    pub fn id(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(kind, _, _)| *kind == self)
            .map_or("chart", |(_, id, _)| id)
    }

    /// The kind that suits a feed best: a location card for located data, a chart for
    /// numbers, a text stream for anything else.
    pub fn suited_to(series: &FeedSeries) -> Self {
        if series.has_location() {
            Self::Location
        } else if series.is_numeric() {
            Self::Chart
        } else {
            Self::Text
        }
    }

    /// Whether the card publishes (a control) rather than only shows.
    pub fn is_control(self) -> bool {
        matches!(
            self,
            Self::Toggle
                | Self::Button
                | Self::Slider
                | Self::NumberInput
                | Self::TextInput
                | Self::Colour
                | Self::ChannelForm
        )
    }

    /// Whether the kind can show several feeds at once.
    pub fn takes_several_feeds(self) -> bool {
        self == Self::Chart
    }
}

/// How much room a card takes in the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CardSize {
    /// One column, normal height.
    #[default]
    Normal,
    /// Two columns where the screen has them.
    Wide,
    /// Taller (a bigger chart).
    Tall,
    /// Two columns and taller.
    Large,
}

impl CardSize {
    /// Every size, in menu order, with a stable id and a label.
    pub const ALL: [(CardSize, &'static str, &'static str); 4] = [
        (CardSize::Normal, "normal", "Normal"),
        (CardSize::Wide, "wide", "Wide"),
        (CardSize::Tall, "tall", "Tall"),
        (CardSize::Large, "large", "Wide and tall"),
    ];

    /// The size with id `id`.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, i, _)| *i == id)
            .map(|(size, _, _)| *size)
    }

    /// The stable id.
    pub fn id(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(size, _, _)| *size == self)
            .map_or("normal", |(_, id, _)| id)
    }

    /// Whether the card spans two columns.
    pub fn is_wide(self) -> bool {
        matches!(self, Self::Wide | Self::Large)
    }

    /// Whether the card is taller than normal.
    pub fn is_tall(self) -> bool {
        matches!(self, Self::Tall | Self::Large)
    }
}

/// What a control sends.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlSettings {
    /// A toggle's value when on.
    pub on_value: String,
    /// A toggle's value when off.
    pub off_value: String,
    /// A button's value when pressed.
    pub press_value: String,
    /// A button's value when let go; empty sends nothing.
    pub release_value: String,
    /// Slider and number input range and step.
    pub min: f64,
    /// See `min`.
    pub max: f64,
    /// See `min`.
    pub step: f64,
    /// QoS of the publishes (the service may allow only 0).
    pub qos: u8,
}

impl Default for ControlSettings {
    fn default() -> Self {
        Self {
            on_value: "ON".to_owned(),
            off_value: "OFF".to_owned(),
            press_value: "1".to_owned(),
            release_value: String::new(),
            min: 0.0,
            max: 100.0,
            step: 1.0,
            qos: 0,
        }
    }
}

/// One card.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Identifies the card within its dashboard.
    pub id: u32,
    /// How it shows its feeds.
    pub kind: CardKind,
    /// The feeds, first one first (only charts use more than one).
    pub feeds: Vec<FeedRef>,
    /// A title the user chose; empty means the feed names.
    pub title: String,
    /// Unit shown after values, e.g. `°C`.
    pub unit: String,
    /// Chart time window.
    pub window: TimeWindow,
    /// Gauge range; `None` follows the values seen.
    pub gauge_range: Option<(f64, f64)>,
    /// What a control sends.
    pub control: ControlSettings,
    /// Room in the grid.
    pub size: CardSize,
}

impl Card {
    /// A card of `kind` for `feeds` with default settings.
    pub fn new(id: u32, kind: CardKind, feeds: Vec<FeedRef>) -> Self {
        Self {
            id,
            kind,
            feeds,
            title: String::new(),
            unit: String::new(),
            window: TimeWindow::default(),
            gauge_range: None,
            control: ControlSettings::default(),
            size: CardSize::default(),
        }
    }

    /// The title to show: the user's, or the feeds' short names.
    pub fn display_title(&self) -> String {
        if !self.title.trim().is_empty() {
            return self.title.trim().to_owned();
        }
        let names: Vec<String> = self.feeds.iter().map(FeedRef::short_name).collect();
        if names.is_empty() {
            "Empty card".to_owned()
        } else {
            names.join(" · ")
        }
    }

    /// The feeds this card's kind shows: all for a chart, the first for the rest.
    pub fn shown_feeds(&self) -> &[FeedRef] {
        if self.kind.takes_several_feeds() {
            &self.feeds
        } else {
            self.feeds.get(..1).unwrap_or(&[])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::value::{Datum, Location, Value};

    #[test]
    fn a_feed_gets_the_card_that_suits_its_data() {
        let mut numbers = FeedSeries::new(10);
        numbers.record(&Datum::plain(Value::Number(1.0)), 0.0);
        assert_eq!(CardKind::suited_to(&numbers), CardKind::Chart);
        let mut words = FeedSeries::new(10);
        words.record(&Datum::plain(Value::Text("open".into())), 0.0);
        assert_eq!(CardKind::suited_to(&words), CardKind::Text);
        let mut located = FeedSeries::new(10);
        located.record(
            &Datum {
                value: Value::Number(1.0),
                location: Some(Location {
                    lat: 1.0,
                    lon: 2.0,
                    ele: None,
                }),
            },
            0.0,
        );
        assert_eq!(CardKind::suited_to(&located), CardKind::Location);
    }

    #[test]
    fn titles_fall_back_to_feed_names_and_only_charts_show_several_feeds() {
        let feeds = vec![
            FeedRef::Topic("demo/temperature".into()),
            FeedRef::Topic("demo/humidity".into()),
        ];
        let mut card = Card::new(1, CardKind::Chart, feeds);
        assert_eq!(card.display_title(), "demo/temperature · demo/humidity");
        assert_eq!(card.shown_feeds().len(), 2);
        card.kind = CardKind::Gauge;
        assert_eq!(card.shown_feeds().len(), 1);
        card.title = "  Climate ".into();
        assert_eq!(card.display_title(), "Climate");
        for (kind, id, _) in CardKind::ALL {
            assert_eq!(CardKind::from_id(id), Some(kind));
            assert_eq!(kind.id(), id);
        }
        assert_eq!(CardKind::from_id("pie"), None);
    }
}
