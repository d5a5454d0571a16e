//! A dashboard: an ordered list of cards. New feeds get a card of their own automatically, up to
//! a limit, so the first connection shows something useful; the rest wait in the feed list.

use super::card::{Card, CardKind};
use super::rule::Rule;
use crate::feeds::store::FeedStore;
use crate::service::feed_ref::FeedRef;
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
    rules: Vec<Rule>,
}

impl Default for Dashboard {
    fn default() -> Self {
        Self {
            cards: Vec::new(),
            next_id: 1,
            placed: HashSet::new(),
            automatic_left: AUTOMATIC_CARDS,
            rules: Vec::new(),
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

    /// Moves card `id` to position `index` (clamped); returns whether it moved.
    pub fn move_card(&mut self, id: u32, index: usize) -> bool {
        let Some(from) = self.cards.iter().position(|card| card.id == id) else {
            return false;
        };
        let to = index.min(self.cards.len() - 1);
        if from == to {
            return false;
        }
        let card = self.cards.remove(from);
        self.cards.insert(to, card);
        true
    }

    /// Moves card `id` one place earlier (`-1`) or later (`1`); returns whether it moved.
    pub fn shift_card(&mut self, id: u32, step: i32) -> bool {
        let Some(from) = self.cards.iter().position(|card| card.id == id) else {
            return false;
        };
        match from.checked_add_signed(step as isize) {
            Some(to) if to < self.cards.len() => self.move_card(id, to),
            _ => false,
        }
    }

    /// The card's position, from 0.
    pub fn position(&self, id: u32) -> Option<usize> {
        self.cards.iter().position(|card| card.id == id)
    }

    /// Feeds already offered a card.
    pub fn placed(&self) -> impl Iterator<Item = &FeedRef> {
        self.placed.iter()
    }

    /// How many more cards new feeds get by themselves.
    pub fn automatic_left(&self) -> usize {
        self.automatic_left
    }

    /// A dashboard made of `cards` as they were saved, with the feeds already offered a card
    /// and the automatic cards left. Card ids are kept (they are unique in a saved dashboard);
    /// duplicates are given new ones.
    pub fn restore(cards: Vec<Card>, placed: Vec<FeedRef>, automatic_left: usize) -> Self {
        let mut board = Dashboard {
            automatic_left: automatic_left.min(AUTOMATIC_CARDS),
            ..Dashboard::default()
        };
        board.placed.extend(placed);
        for mut card in cards {
            if board.cards.iter().any(|c| c.id == card.id) || card.id == 0 {
                card.id = board.cards.iter().map(|c| c.id).max().unwrap_or(0) + 1;
            }
            board.next_id = board.next_id.max(card.id + 1);
            board.placed.extend(card.feeds.iter().cloned());
            board.cards.push(card);
        }
        board
    }

    /// The alert rules, in the order they were added.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Adds a rule; the same rule twice would alert twice, so a copy is refused (`false`).
    pub fn add_rule(&mut self, rule: Rule) -> bool {
        if self.rules.iter().any(|kept| kept.key() == rule.key()) {
            return false;
        }
        self.rules.push(rule);
        true
    }

    /// Removes the rule at `index`.
    pub fn remove_rule(&mut self, index: usize) {
        if index < self.rules.len() {
            self.rules.remove(index);
        }
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
    fn cards_move_by_drag_position_or_one_step_at_a_time() {
        let mut board = Dashboard::default();
        let ids: Vec<u32> = ["a", "b", "c"]
            .iter()
            .map(|t| board.add_card(CardKind::Chart, vec![FeedRef::Topic((*t).into())]))
            .collect();
        let order = |b: &Dashboard| b.cards().iter().map(|c| c.id).collect::<Vec<_>>();
        assert!(board.move_card(ids[0], 99));
        assert_eq!(order(&board), vec![ids[1], ids[2], ids[0]]);
        assert!(board.shift_card(ids[0], -1));
        assert_eq!(order(&board), vec![ids[1], ids[0], ids[2]]);
        assert!(
            !board.shift_card(ids[1], -1),
            "the first card cannot go earlier"
        );
        assert!(!board.move_card(999, 0));
        assert_eq!(board.position(ids[2]), Some(2));
    }

    #[test]
    fn a_restored_dashboard_keeps_ids_unique_and_its_placed_feeds() {
        let a = Card::new(4, CardKind::Chart, vec![FeedRef::Topic("a".into())]);
        let b = Card::new(4, CardKind::Text, vec![FeedRef::Topic("b".into())]);
        let mut board = Dashboard::restore(vec![a, b], vec![FeedRef::Topic("gone".into())], 3);
        let ids: Vec<u32> = board.cards().iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![4, 5]);
        assert_eq!(board.automatic_left(), 3);
        let next = board.add_card(CardKind::Number, vec![FeedRef::Topic("c".into())]);
        assert_eq!(next, 6);
        assert!(board.placed().any(|f| *f == FeedRef::Topic("gone".into())));
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
