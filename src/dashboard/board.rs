//! A dashboard: an ordered list of cards. New feeds get a card of their own automatically, up to
//! a limit, so the first connection shows something useful; the rest wait in the feed list.

use super::card::{Card, CardKind};
use crate::feeds::store::FeedStore;
use crate::service::incoming::FeedRef;
use std::collections::HashSet;

/// Cards created automatically at most; a `#` subscription on a busy broker must not bury the
/// page under hundreds of charts.
pub const AUTOMATIC_CARDS: usize = 12;

/// The cards on one dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    cards: Vec<Card>,
    next_id: u32,
    /// Feeds already offered a card (kept or removed by the user): never added again by
    /// themselves.
    placed: HashSet<FeedRef>,
    automatic_left: usize,
}

impl Default for Dashboard {
    fn default() -> Self {
        Self {
            cards: Vec::new(),
            next_id: 1,
            placed: HashSet::new(),
            automatic_left: AUTOMATIC_CARDS,
        }
    }
}

impl Dashboard {
    /// The cards in order.
    pub fn cards(&self) -> &[Card] {
        &self.cards
    }

    /// The card with `id`.
    pub fn card(&self, id: u32) -> Option<&Card> {
        self.cards.iter().find(|card| card.id == id)
    }

    /// Gives each feed of `store` not seen before a card that suits it, while automatic cards
    /// are left. Returns whether cards were added.
    pub fn place_new_feeds(&mut self, store: &FeedStore) -> bool {
        if self.placed.len() >= store.len() && store.feeds().all(|(f, _)| self.placed.contains(f)) {
            return false;
        }
        let mut added = false;
        for (feed, series) in store.feeds() {
            if self.placed.contains(feed) {
                continue;
            }
            self.placed.insert(feed.clone());
            if self.automatic_left > 0 {
                self.automatic_left -= 1;
                self.add_card(CardKind::suited_to(series), vec![feed.clone()]);
                added = true;
            }
        }
        added
    }

    /// Whether `store` holds a feed this dashboard has not considered yet.
    pub fn has_unplaced(&self, store: &FeedStore) -> bool {
        store.feeds().any(|(feed, _)| !self.placed.contains(feed))
    }

    /// Adds a card at the end and returns its id.
    pub fn add_card(&mut self, kind: CardKind, feeds: Vec<FeedRef>) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        self.placed.extend(feeds.iter().cloned());
        self.cards.push(Card::new(id, kind, feeds));
        id
    }

    /// Removes a card.
    pub fn remove_card(&mut self, id: u32) {
        self.cards.retain(|card| card.id != id);
    }

    /// Changes a card with `change`; returns whether the card exists.
    pub fn edit(&mut self, id: u32, change: impl FnOnce(&mut Card)) -> bool {
        match self.cards.iter_mut().find(|card| card.id == id) {
            Some(card) => {
                change(card);
                true
            }
            None => false,
        }
    }

    /// Adds `feed` to a chart card (once).
    pub fn add_feed_to(&mut self, id: u32, feed: FeedRef) -> bool {
        self.placed.insert(feed.clone());
        self.edit(id, |card| {
            if !card.feeds.contains(&feed) {
                card.feeds.push(feed);
            }
        })
    }

    /// Takes `feed` off a card; a card left without feeds is removed.
    pub fn remove_feed_from(&mut self, id: u32, feed: &FeedRef) {
        self.edit(id, |card| card.feeds.retain(|f| f != feed));
        self.cards
            .retain(|card| card.id != id || !card.feeds.is_empty());
    }

    /// Whether some card shows `feed`.
    pub fn shows(&self, feed: &FeedRef) -> bool {
        self.cards.iter().any(|card| card.feeds.contains(feed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::store::StoreLimits;
    use crate::service::incoming::FeedUpdate;
    use crate::service::value::{Datum, Value};

    fn store_with(feeds: &[(&str, Value)]) -> FeedStore {
        let mut store = FeedStore::new(StoreLimits::default());
        for (topic, value) in feeds {
            store.record(
                &FeedUpdate {
                    feed: FeedRef::Topic((*topic).to_owned()),
                    datum: Datum::plain(value.clone()),
                    created_at: None,
                },
                0.0,
            );
        }
        store
    }

    #[test]
    fn new_feeds_get_a_suitable_card_once_even_after_the_user_removes_it() {
        let mut board = Dashboard::default();
        let store = store_with(&[
            ("demo/temperature", Value::Number(21.0)),
            ("demo/door", Value::Text("open".into())),
        ]);
        assert!(board.has_unplaced(&store));
        assert!(board.place_new_feeds(&store));
        assert!(!board.has_unplaced(&store));
        let kinds: Vec<CardKind> = board.cards().iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![CardKind::Chart, CardKind::Text]);
        let first = board.cards()[0].id;
        board.remove_card(first);
        assert!(
            !board.place_new_feeds(&store),
            "a removed card stays removed"
        );
        assert_eq!(board.cards().len(), 1);
    }

    #[test]
    fn automatic_cards_stop_at_the_limit() {
        let topics: Vec<String> = (0..40).map(|i| format!("busy/{i}")).collect();
        let feeds: Vec<(&str, Value)> = topics
            .iter()
            .map(|t| (t.as_str(), Value::Number(1.0)))
            .collect();
        let mut board = Dashboard::default();
        board.place_new_feeds(&store_with(&feeds));
        assert_eq!(board.cards().len(), AUTOMATIC_CARDS);
        assert!(!board.shows(&FeedRef::Topic("busy/39".into())));
    }

    #[test]
    fn charts_gather_feeds_and_an_emptied_card_goes_away() {
        let mut board = Dashboard::default();
        let a = FeedRef::Topic("a".into());
        let b = FeedRef::Topic("b".into());
        let id = board.add_card(CardKind::Chart, vec![a.clone()]);
        assert!(board.add_feed_to(id, b.clone()));
        assert!(board.add_feed_to(id, b.clone()));
        assert_eq!(board.card(id).map(|c| c.feeds.len()), Some(2));
        board.remove_feed_from(id, &a);
        board.remove_feed_from(id, &b);
        assert!(board.card(id).is_none());
        assert!(!board.edit(id, |card| card.unit = "°C".into()));
    }
}
