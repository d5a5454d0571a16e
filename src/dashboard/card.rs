//! A dashboard card: what it shows (its kind), which feeds, and its own settings.

use crate::chart::window::TimeWindow;
use crate::decimal::parse_finite;
use crate::feeds::series::FeedSeries;
use crate::service::feed_ref::FeedRef;

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

/// Which number of a control's range a settings field sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangePart {
    /// The smallest value.
    Min,
    /// The largest value.
    Max,
    /// The step between values.
    Step,
}

/// Which end of a gauge's dial a settings field sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GaugeEnd {
    /// The left end.
    Low,
    /// The right end.
    High,
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
    /// The gauge's low and high ends as the user set them (each may be missing while being
    /// typed); see [`Card::gauge_range`].
    pub gauge_ends: [Option<f64>; 2],
    /// What a control sends.
    pub control: ControlSettings,
    /// Room in the grid.
    pub size: CardSize,
    /// How often the user says the card's feeds update, in seconds; `None` lets the page
    /// learn it (see `crate::watch`).
    pub expect_every_s: Option<f64>,
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
            gauge_ends: [None, None],
            control: ControlSettings::default(),
            size: CardSize::default(),
            expect_every_s: None,
        }
    }

    /// Sets how often the feeds update from what the user typed, in seconds: empty lets the
    /// page learn it; anything but a positive number leaves the setting as it was.
    pub fn set_expected_interval(&mut self, typed: &str) {
        if typed.trim().is_empty() {
            self.expect_every_s = None;
        } else if let Some(seconds) = crate::service::value::Value::from_text(typed)
            .as_number()
            .filter(|s| *s > 0.0)
        {
            self.expect_every_s = Some(seconds);
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

    /// Sets one number of a control's range from what the user typed. Anything that would
    /// make the range empty (a minimum not below the maximum, a step not above zero) or is not
    /// a finite number is ignored: the control keeps a range it can use.
    pub fn set_range(&mut self, part: RangePart, typed: &str) {
        let Some(value) = parse_finite(typed) else {
            return;
        };
        let control = &mut self.control;
        match part {
            RangePart::Min if value < control.max => control.min = value,
            RangePart::Max if value > control.min => control.max = value,
            RangePart::Step if value > 0.0 => control.step = value,
            _ => {}
        }
    }

    /// Sets one end of a gauge's dial from what the user typed (anything but a finite number
    /// clears it). The range applies only once both ends are set and low is below high; until
    /// then the gauge follows the values seen.
    pub fn set_gauge_end(&mut self, end: GaugeEnd, typed: &str) {
        let value = parse_finite(typed);
        let index = match end {
            GaugeEnd::Low => 0,
            GaugeEnd::High => 1,
        };
        self.gauge_ends[index] = value;
    }

    /// The gauge's fixed range, when both ends are set and low is below high; `None` follows
    /// the values seen.
    pub fn gauge_range(&self) -> Option<(f64, f64)> {
        match self.gauge_ends {
            [Some(low), Some(high)] if low < high => Some((low, high)),
            _ => None,
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

    #[test]
    fn the_expected_interval_takes_positive_seconds_or_nothing() {
        let mut card = Card::new(1, CardKind::Number, vec![FeedRef::Topic("a".into())]);
        card.set_expected_interval("30");
        assert_eq!(card.expect_every_s, Some(30.0));
        for ignored in ["-5", "0", "soon"] {
            card.set_expected_interval(ignored);
            assert_eq!(card.expect_every_s, Some(30.0), "{ignored}");
        }
        card.set_expected_interval(" ");
        assert_eq!(card.expect_every_s, None, "empty: learned again");
    }
    use crate::service::value::{Datum, Location, Value};

    #[test]
    fn a_control_range_never_becomes_empty() {
        let mut card = Card::new(1, CardKind::Slider, Vec::new());
        card.set_range(RangePart::Min, "150");
        assert_eq!(
            card.control.min, 0.0,
            "a minimum above the maximum is ignored"
        );
        card.set_range(RangePart::Max, "250");
        card.set_range(RangePart::Min, " 150 ");
        card.set_range(RangePart::Step, "0");
        card.set_range(RangePart::Step, "abc");
        card.set_range(RangePart::Max, "inf");
        assert_eq!(
            (card.control.min, card.control.max, card.control.step),
            (150.0, 250.0, 1.0)
        );
    }

    #[test]
    fn a_gauge_range_applies_once_both_ends_make_sense() {
        let mut card = Card::new(1, CardKind::Gauge, Vec::new());
        card.set_gauge_end(GaugeEnd::Low, "10");
        assert_eq!(card.gauge_range(), None, "one end alone follows the values");
        card.set_gauge_end(GaugeEnd::High, "5");
        assert_eq!(card.gauge_range(), None, "high below low is no range");
        card.set_gauge_end(GaugeEnd::High, "40");
        assert_eq!(
            card.gauge_range(),
            Some((10.0, 40.0)),
            "the low end was kept meanwhile"
        );
        card.set_gauge_end(GaugeEnd::High, "");
        assert_eq!(
            card.gauge_range(),
            None,
            "clearing an end returns to automatic"
        );
    }

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
