//! What one read fetches: an Adafruit IO feed, or a ThingSpeak channel (one read brings all of
//! its fields), and how much of the past a dashboard wants of it.

use crate::chart::window::TimeWindow;
use crate::dashboard::board::Dashboard;
use crate::dashboard::card::CardKind;
use crate::service::feed_ref::FeedRef;
use std::collections::BTreeMap;
use std::fmt;

/// The thing a history read fetches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReadTarget {
    /// An Adafruit IO feed (`key` may be `group.key`).
    AdafruitFeed {
        /// The feed's owner.
        owner: String,
        /// The feed key.
        key: String,
    },
    /// A ThingSpeak channel, all fields at once.
    ThingSpeakChannel(u64),
}

impl ReadTarget {
    /// The read that brings `feed`'s history, if its service keeps any.
    pub fn of(feed: &FeedRef) -> Option<Self> {
        match feed {
            FeedRef::Adafruit { owner, key } => Some(Self::AdafruitFeed {
                owner: owner.clone(),
                key: key.clone(),
            }),
            FeedRef::ThingSpeakField { channel, .. } => Some(Self::ThingSpeakChannel(*channel)),
            FeedRef::Topic(_) => None,
        }
    }
}

impl fmt::Display for ReadTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AdafruitFeed { owner, key } => write!(f, "{owner}/{key}"),
            Self::ThingSpeakChannel(channel) => write!(f, "channel {channel}"),
        }
    }
}

/// How much of a feed's past a card wants, at least: an hour, so a number card has its trend
/// and a slow feed its last values, and a wider chart window when one is picked.
pub const MIN_SPAN_MS: f64 = 3_600_000.0;

/// The longest span read: a day (the "All" window reads this much too).
pub const MAX_SPAN_MS: f64 = 86_400_000.0;

/// The span to read for a card showing `window_ms` of time (`None`: everything kept).
pub fn span_for_window(window_ms: Option<f64>) -> f64 {
    window_ms
        .unwrap_or(MAX_SPAN_MS)
        .clamp(MIN_SPAN_MS, MAX_SPAN_MS)
}

/// The past each feed shown on `board` wants: the widest chart window it is on, at least
/// [`MIN_SPAN_MS`]. Controls show what they send, not a history, and want none.
pub fn wants(board: &Dashboard) -> Vec<(FeedRef, f64)> {
    let mut spans: BTreeMap<&FeedRef, f64> = BTreeMap::new();
    for card in board.cards().iter().filter(|card| !card.kind.is_control()) {
        let window = match card.kind {
            CardKind::Chart => card.window,
            _ => TimeWindow::FiveMinutes,
        };
        let span = span_for_window(window.duration_ms());
        for feed in &card.feeds {
            let wanted = spans.entry(feed).or_insert(span);
            *wanted = wanted.max(span);
        }
    }
    spans
        .into_iter()
        .map(|(feed, span)| (feed.clone(), span))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::card::Card;

    #[test]
    fn feeds_map_to_reads_and_topics_have_none() {
        let field = FeedRef::ThingSpeakField {
            channel: 7,
            field: 2,
        };
        assert_eq!(
            ReadTarget::of(&field),
            Some(ReadTarget::ThingSpeakChannel(7))
        );
        assert_eq!(ReadTarget::of(&FeedRef::Topic("a/b".into())), None);
        assert_eq!(span_for_window(Some(300_000.0)), MIN_SPAN_MS);
        assert_eq!(span_for_window(None), MAX_SPAN_MS);
        assert_eq!(span_for_window(Some(7_200_000.0)), 7_200_000.0);
    }

    #[test]
    fn a_board_wants_the_widest_window_of_each_shown_feed_and_nothing_for_controls() {
        let feed = |key: &str| FeedRef::Adafruit {
            owner: "maker".into(),
            key: key.into(),
        };
        let mut chart = Card::new(1, CardKind::Chart, vec![feed("temp"), feed("hum")]);
        chart.window = TimeWindow::Day;
        let cards = vec![
            Card::new(2, CardKind::Number, vec![feed("temp")]),
            chart,
            Card::new(3, CardKind::Toggle, vec![feed("lamp")]),
            Card::new(4, CardKind::Gauge, vec![feed("hum")]),
        ];
        let board = Dashboard::restore(cards, Vec::new(), 0);
        assert_eq!(
            wants(&board),
            vec![(feed("hum"), MAX_SPAN_MS), (feed("temp"), MAX_SPAN_MS)]
        );
        let mut narrow = Card::new(5, CardKind::Chart, vec![feed("temp")]);
        narrow.window = TimeWindow::FiveMinutes;
        let board = Dashboard::restore(vec![narrow], Vec::new(), 0);
        assert_eq!(wants(&board), vec![(feed("temp"), MIN_SPAN_MS)]);
    }
}
