//! The watcher with a fake clock: intervals learned, feeds marked silent and recovered (never
//! while the connection is down), and every rule kind with its hold time and hysteresis.

use feedboard::chart::time_axis::FixedOffset;
use feedboard::dashboard::board::Dashboard;
use feedboard::dashboard::card::CardKind;
use feedboard::dashboard::rule::{Condition, Rule};
use feedboard::feeds::store::{FeedStore, StoreLimits};
use feedboard::service::feed_ref::FeedRef;
use feedboard::service::incoming::FeedUpdate;
use feedboard::service::value::{Datum, Value};
use feedboard::watch::interval::LEARNED_FLOOR_MS;
use feedboard::watch::{WatchEvent, WatchPlan, Watcher};

const T0: f64 = 1_795_457_045_000.0;
const S: f64 = 1000.0;

fn feed() -> FeedRef {
    FeedRef::Topic("freezer/temp".into())
}

fn rule(condition: Condition, hold_s: f64, hysteresis: f64) -> Rule {
    Rule {
        feed: feed(),
        condition,
        hold_s,
        hysteresis,
    }
}

fn plan_with(rules: &[Rule]) -> WatchPlan {
    let mut board = Dashboard::default();
    for rule in rules {
        board.add_rule(rule.clone());
    }
    WatchPlan::of([&board])
}

/// A watcher listening since T0, fed one value at a time at given seconds after T0.
struct Scene {
    watcher: Watcher,
    plan: WatchPlan,
}

impl Scene {
    fn new(plan: WatchPlan) -> Self {
        let mut watcher = Watcher::new();
        watcher.handle_connection(true, T0);
        Self { watcher, plan }
    }

    fn value(&mut self, at_s: f64, value: Value) {
        let at = T0 + at_s * S;
        self.watcher
            .handle_update(&self.plan, &feed(), Some(&value), at);
        self.watcher.handle_timeout(&self.plan, at);
    }

    fn number(&mut self, at_s: f64, number: f64) {
        self.value(at_s, Value::Number(number));
    }

    fn tick(&mut self, at_s: f64) {
        self.watcher.handle_timeout(&self.plan, T0 + at_s * S);
    }

    fn events(&mut self) -> Vec<WatchEvent> {
        std::iter::from_fn(|| self.watcher.poll_event()).collect()
    }

    fn fired(&mut self) -> usize {
        self.events()
            .iter()
            .filter(|e| matches!(e, WatchEvent::Fired(_)))
            .count()
    }
}

#[test]
fn a_feed_that_stops_is_marked_silent_after_its_learned_interval_and_recovers_by_itself() {
    let mut scene = Scene::new(WatchPlan::default());
    for second in 0..=20 {
        scene.number(f64::from(second), 1.0);
    }
    assert!(scene.events().is_empty());
    // Every second, so the floor decides: a minute after the last update.
    let due = scene.watcher.poll_timeout(&scene.plan).expect("a deadline");
    assert_eq!(due, T0 + 20.0 * S + LEARNED_FLOOR_MS);
    scene.tick(79.9);
    assert_eq!(scene.watcher.silence(&feed()), None);
    scene.tick(80.1);
    assert_eq!(scene.events(), vec![WatchEvent::Silent(feed())]);
    let silence = scene.watcher.silence(&feed()).expect("silent");
    assert_eq!((silence.since_ms, silence.usual_ms), (T0 + 20.0 * S, S));
    assert_eq!(
        silence.describe(T0 + 80.0 * S, &FixedOffset(60)),
        "silent since 19:04:25 (usually every 1 s)"
    );
    scene.tick(200.0);
    assert!(scene.events().is_empty(), "marked once");
    scene.number(201.0, 2.0);
    assert_eq!(scene.events(), vec![WatchEvent::Recovered(feed())]);
    assert_eq!(scene.watcher.silence(&feed()), None);
}

#[test]
fn a_slow_feed_waits_three_intervals_and_the_users_interval_overrides_the_learned_one() {
    let mut scene = Scene::new(WatchPlan::default());
    for step in 0..4 {
        scene.number(f64::from(step) * 60.0, 1.0);
    }
    scene.tick(180.0 + 179.0);
    assert_eq!(
        scene.watcher.silence(&feed()),
        None,
        "three minutes are not up"
    );
    scene.tick(180.0 + 181.0);
    assert!(scene.watcher.silence(&feed()).is_some());

    let mut board = Dashboard::default();
    let card = board.add_card(CardKind::Number, vec![feed()]);
    board.edit(card, |card| card.expect_every_s = Some(600.0));
    scene.plan = WatchPlan::of([&board]);
    scene.tick(400.0);
    assert_eq!(
        scene.watcher.silence(&feed()),
        None,
        "the user expects ten minutes"
    );
    assert_eq!(scene.events().last(), Some(&WatchEvent::Recovered(feed())));
    scene.tick(180.0 + 1801.0);
    let silence = scene
        .watcher
        .silence(&feed())
        .expect("silent past 3 × 10 min");
    assert_eq!(silence.usual_ms, 600.0 * S);
}

#[test]
fn nothing_is_marked_silent_while_the_connection_is_down_nor_before_the_page_listened_long_enough()
{
    let mut scene = Scene::new(WatchPlan::default());
    for second in 0..=10 {
        scene.number(f64::from(second), 1.0);
    }
    scene.watcher.handle_connection(false, T0 + 30.0 * S);
    scene.tick(500.0);
    assert_eq!(scene.watcher.silence(&feed()), None);
    assert_eq!(scene.watcher.poll_timeout(&scene.plan), None);
    scene.watcher.handle_connection(true, T0 + 500.0 * S);
    scene.tick(530.0);
    assert_eq!(
        scene.watcher.silence(&feed()),
        None,
        "listening for 30 s only"
    );
    scene.tick(561.0);
    let silence = scene
        .watcher
        .silence(&feed())
        .expect("a minute of listening");
    assert_eq!(silence.since_ms, T0 + 10.0 * S, "since its last update");
    // A silent feed stops counting as silent when the connection drops.
    scene.events();
    scene.watcher.handle_connection(false, T0 + 600.0 * S);
    assert_eq!(scene.events(), vec![WatchEvent::Recovered(feed())]);
    assert_eq!(scene.watcher.silent_feeds().count(), 0);
}

#[test]
fn a_value_oscillating_around_the_threshold_fires_once_and_clears_past_the_hysteresis() {
    let mut scene = Scene::new(plan_with(&[rule(Condition::Above(30.0), 0.0, 1.0)]));
    let mut fired = 0;
    for (step, value) in [29.8, 30.2, 29.9, 30.3, 29.5, 30.4, 29.2, 30.1]
        .iter()
        .enumerate()
    {
        scene.number(step as f64, *value);
        fired += scene.fired();
    }
    assert_eq!(fired, 1);
    let alert = scene.watcher.history().next().expect("an alert").clone();
    assert_eq!(alert.message(), "freezer/temp above 30: 30.2");
    assert_eq!((alert.fired_ms, alert.cleared_ms), (T0 + S, None));
    scene.number(10.0, 28.9);
    assert_eq!(scene.events(), vec![WatchEvent::Cleared(alert.id)]);
    let cleared = scene.watcher.alert(alert.id).expect("kept");
    assert_eq!(cleared.cleared_ms, Some(T0 + 10.0 * S));
    scene.number(11.0, 31.0);
    assert_eq!(scene.fired(), 1, "fires again once cleared");
    assert_eq!(scene.watcher.history().count(), 2);
}

#[test]
fn a_hold_time_must_pass_with_the_condition_true_all_along() {
    let mut scene = Scene::new(plan_with(&[rule(Condition::Above(-10.0), 10.0, 0.0)]));
    scene.number(0.0, -5.0);
    scene.number(5.0, -4.0);
    scene.tick(9.9);
    assert_eq!(scene.fired(), 0);
    assert_eq!(scene.watcher.poll_timeout(&scene.plan), Some(T0 + 10.0 * S));
    scene.tick(10.0);
    assert_eq!(
        scene.fired(),
        1,
        "fires on time, without waiting for a value"
    );
    let alert = scene.watcher.history().next().expect("fired").clone();
    assert_eq!(alert.value.as_deref(), Some("-4"));

    // A dip below the threshold during the hold starts it again.
    let mut scene = Scene::new(plan_with(&[rule(Condition::Above(-10.0), 10.0, 0.0)]));
    scene.number(0.0, -5.0);
    scene.number(6.0, -12.0);
    scene.number(8.0, -5.0);
    scene.tick(15.0);
    assert_eq!(scene.fired(), 0);
    scene.tick(18.0);
    assert_eq!(scene.fired(), 1);
}

#[test]
fn below_outside_and_text_rules_fire_and_clear() {
    let mut scene = Scene::new(plan_with(&[rule(Condition::Below(5.0), 0.0, 0.5)]));
    scene.number(0.0, 6.0);
    scene.number(1.0, 4.9);
    assert_eq!(scene.fired(), 1);
    scene.number(2.0, 5.3);
    assert!(scene.events().is_empty(), "inside the hysteresis");
    scene.number(3.0, 5.6);
    assert!(matches!(scene.events()[..], [WatchEvent::Cleared(_)]));

    let mut scene = Scene::new(plan_with(&[rule(Condition::Outside(2.0, 8.0), 0.0, 0.0)]));
    for (at, value) in [(0.0, 5.0), (1.0, 9.0), (2.0, 7.0), (3.0, 1.0)] {
        scene.number(at, value);
    }
    let messages: Vec<String> = scene.watcher.history().map(|a| a.message()).collect();
    assert_eq!(
        messages,
        vec!["freezer/temp outside 2–8: 1", "freezer/temp outside 2–8: 9"]
    );

    let mut scene = Scene::new(plan_with(&[rule(
        Condition::TextEquals("open".into()),
        0.0,
        0.0,
    )]));
    scene.value(0.0, Value::Text("closed".into()));
    scene.value(1.0, Value::Text("open".into()));
    scene.value(2.0, Value::Text("open".into()));
    assert_eq!(scene.fired(), 1);
    scene.number(3.0, 4.0);
    assert!(matches!(scene.events()[..], [WatchEvent::Cleared(_)]));
    // Text on a numeric rule says nothing about it: no alert, no clearing, no panic.
    let mut scene = Scene::new(plan_with(&[rule(Condition::Above(1.0), 0.0, 0.0)]));
    scene.number(0.0, 2.0);
    scene.value(1.0, Value::Text("sensor error".into()));
    assert_eq!(scene.fired(), 1);
    assert!(scene.watcher.history().all(|a| a.cleared_ms.is_none()));
}

#[test]
fn a_silence_rule_fires_after_its_minutes_while_connected_and_clears_on_the_next_update() {
    let mut scene = Scene::new(plan_with(&[rule(Condition::SilentFor(5.0), 0.0, 0.0)]));
    scene.number(0.0, 1.0);
    scene.tick(299.0);
    assert_eq!(scene.fired(), 0);
    scene.tick(300.0);
    let events = scene.events();
    assert!(matches!(events[..], [WatchEvent::Fired(_)]), "{events:?}");
    let alert = scene.watcher.history().next().expect("fired").clone();
    assert_eq!(
        (alert.message(), alert.value),
        ("freezer/temp silent for 5 min".into(), None)
    );
    scene.number(400.0, 1.0);
    assert!(matches!(scene.events()[..], [WatchEvent::Cleared(_)]));

    // Down: nothing fires; up again: the minutes count from then.
    scene.watcher.handle_connection(false, T0 + 401.0 * S);
    scene.tick(1000.0);
    assert_eq!(scene.fired(), 0);
    scene.watcher.handle_connection(true, T0 + 1000.0 * S);
    scene.tick(1299.0);
    assert_eq!(scene.fired(), 0);
    scene.tick(1300.0);
    assert_eq!(scene.fired(), 1);
}

#[test]
fn removing_a_rule_clears_its_alert_and_the_same_rule_on_two_tabs_alerts_once() {
    let above = rule(Condition::Above(0.0), 0.0, 0.0);
    let mut one = Dashboard::default();
    one.add_rule(above.clone());
    let two = one.clone();
    let mut scene = Scene::new(WatchPlan::of([&one, &two]));
    scene.number(0.0, 1.0);
    assert_eq!(scene.fired(), 1);
    scene.plan = WatchPlan::default();
    scene.tick(1.0);
    assert!(matches!(scene.events()[..], [WatchEvent::Cleared(_)]));
    assert!(scene
        .watcher
        .history()
        .all(|a| a.cleared_ms == Some(T0 + S)));
    scene.watcher.forget_cleared();
    assert_eq!(scene.watcher.history().count(), 0);
}

#[test]
fn the_watcher_catches_up_with_every_update_in_the_store_even_within_one_batch() {
    let plan = plan_with(&[rule(Condition::Above(30.0), 0.0, 0.0)]);
    let mut store = FeedStore::new(StoreLimits::default());
    let mut watcher = Watcher::new();
    watcher.handle_connection(true, T0);
    // A spike inside one batch: above, then back below before the page looks.
    for (i, value) in [20.0, 35.0, 20.0, 21.0].iter().enumerate() {
        let update = FeedUpdate {
            feed: feed(),
            datum: Datum::plain(Value::Number(*value)),
            created_at: None,
        };
        store.record(&update, T0 + i as f64 * S);
    }
    watcher.catch_up(&plan, &store);
    let events: Vec<WatchEvent> = std::iter::from_fn(|| watcher.poll_event()).collect();
    assert!(
        matches!(events[..], [WatchEvent::Fired(_), WatchEvent::Cleared(_)]),
        "{events:?}"
    );
    watcher.catch_up(&plan, &store);
    assert_eq!(watcher.poll_event(), None, "nothing twice");
    // A fresh store (another connection) starts the watcher's feeds afresh.
    let fresh = FeedStore::new(StoreLimits::default());
    watcher.catch_up(&plan, &fresh);
    watcher.handle_timeout(&plan, T0 + 3600.0 * S);
    assert_eq!(watcher.silent_feeds().count(), 0);
}
