//! Rate budgets in the page, against mosquitto and the service simulator: controls keep within
//! the budget and their last value arrives, the service's throttles and bans pause what they
//! should and count down, two tabs of one account share one budget, and a ThingSpeak form
//! merges edits into one update per window. Each test logs the messages a minute it measured.
//!
//! To count what the page sends (not only what a service accepts), some tests give the page
//! Adafruit IO's rules but point it at the plain broker, where an observer sees every publish.
#![cfg(target_arch = "wasm32")]

#[path = "support/browser.rs"]
mod browser;
#[path = "support/page.rs"]
mod page;
#[path = "support/session_client.rs"]
mod session_client;

use browser::*;
use feedboard::app::StartupOptions;
use gloo_timers::future::TimeoutFuture;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{self, HtmlElement, HtmlInputElement};
use page::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn report(line: &str) {
    web_sys::console::log_1(&format!("measured: {line}").into());
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// An observer of every publish on `filter` at `url`.
async fn observer(url: &str, user: &str, filter: &str) -> RecordingClient {
    let observer = RecordingClient::as_user(url, user);
    observer.connect().await;
    observer.subscribe(filter).await;
    observer
}

fn status_of(root: &HtmlElement, card: &str) -> String {
    text_of(root, &format!("{card} .control-status"))
}

#[wasm_bindgen_test]
async fn a_slider_dragged_500_times_in_10_s_sends_within_the_budget_and_its_last_value() {
    let user = unique("slider");
    let (root, _feeds, _app) = mount_with_store(StartupOptions::default());
    connect_page(&root, "adafruit-io", broker_url(), &user, "free").await;
    let watcher = observer(broker_url(), &user, &format!("{user}/feeds/dimmer")).await;
    let card = add_card(&root, "slider", &format!("aio:{user}/dimmer"), "dimmer").await;

    // A range of 0 to 1000, so 500 moves are 500 different values.
    open_settings(&root, &card).await;
    type_into(&root, "Maximum", "1000");
    let maximum = within(&root, &format!("{card} input[id$='-range-max']")).expect("maximum");
    maximum
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    close_settings(&root, &card);

    let slider: HtmlInputElement = within(&root, &format!("{card} input[type='range']"))
        .expect("a slider")
        .unchecked_into();
    let started = now_ms();
    for step in 0..500 {
        slider.set_value(&(step * 2).to_string());
        slider
            .dispatch_event(&web_sys::Event::new("input").expect("event"))
            .expect("dispatch");
        TimeoutFuture::new(20).await;
    }
    slider
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    let dragged_ms = now_ms() - started;
    let topic = format!("{user}/feeds/dimmer");
    assert!(
        wait_until(3000, || watcher
            .messages_on(&topic)
            .last()
            .map(Vec::as_slice)
            == Some(&b"998"[..]))
        .await,
        "the last value arrives: {:?}",
        watcher
            .messages_on(&topic)
            .last()
            .map(|p| String::from_utf8_lossy(p).into_owned())
    );
    let sent = watcher.messages_on(&topic).len();
    report(&format!(
        "slider, 500 moves in {:.1} s: {sent} publishes reached the broker ({:.0}/min while dragging; free-plan budget 27/min)",
        dragged_ms / 1000.0,
        sent as f64 * 60_000.0 / dragged_ms
    ));
    assert!(sent <= 27, "{sent} publishes: more than the budget");
    assert!(
        sent >= 5,
        "values were sent while dragging, not only at the end: {sent}"
    );
    assert!(
        wait_until(3000, || status_of(&root, &card).starts_with("sent")).await,
        "{}",
        status_of(&root, &card)
    );
}

#[wasm_bindgen_test]
async fn values_past_the_budget_wait_as_the_latest_and_say_when_they_go() {
    let user = unique("queue");
    let (root, _feeds, _app) = mount_with_store(StartupOptions::default());
    connect_page(&root, "adafruit-io", broker_url(), &user, "free").await;
    let watcher = observer(broker_url(), &user, &format!("{user}/feeds/level")).await;
    let card = add_card(&root, "number-input", &format!("aio:{user}/level"), "level").await;
    for value in 1..=40 {
        submit_value(&root, &card, &value.to_string());
        TimeoutFuture::new(10).await;
    }
    let topic = format!("{user}/feeds/level");
    assert!(wait_until(3000, || watcher.messages_on(&topic).len() == 27).await);
    TimeoutFuture::new(1000).await;
    let sent = watcher.messages_on(&topic).len();
    assert_eq!(sent, 27, "exactly the budget went out");
    let status = status_of(&root, &card);
    assert!(
        status.starts_with("queued, sends in") && status.contains("the latest of 13 values"),
        "{status}"
    );
    assert_eq!(
        text_of(&root, "li[data-class='data'] .meter-count"),
        "0 / 27",
        "the meter shows the budget spent"
    );
    report(&format!(
        "number input, 40 values at once: {sent} reached the broker in the first minute, the 40th waits as the latest"
    ));
}

#[wasm_bindgen_test]
async fn publishing_over_the_plan_shows_the_throttle_countdown_and_holds_new_values() {
    let user = unique("throttled");
    let (root, _feeds, _app) = mount_with_store(StartupOptions::default());
    // The user says IO+ (60 a minute) but the account takes 30 per 10 s (the fast simulator).
    connect_page(&root, "adafruit-io", adafruit_fast_url(), &user, "plus").await;
    let watcher = observer(adafruit_fast_url(), &user, &format!("{user}/feeds/level")).await;
    let card = add_card(&root, "number-input", &format!("aio:{user}/level"), "level").await;
    let started = now_ms();
    for value in 1..=31 {
        submit_value(&root, &card, &value.to_string());
        TimeoutFuture::new(30).await;
    }
    assert!(
        wait_until(3000, || within(&root, "#hold-countdown").is_some()).await,
        "no throttle shown; history: {}",
        text_of(&root, "#monitor-history")
    );
    let countdown = text_of(&root, "#hold-countdown");
    assert!(
        countdown.starts_with("Throttled: data waits"),
        "{countdown}"
    );
    assert!(text_of(&root, "#limit-badge").starts_with("Throttled"));
    assert!(text_of(&root, "#monitor-history").contains("data rate limit reached"));

    // A value made during the throttle waits for its end instead of being refused.
    submit_value(&root, &card, "999");
    wait_until(3000, || {
        status_of(&root, &card).contains("paused by the service")
    })
    .await;
    let status = status_of(&root, &card);
    assert!(
        status.contains("paused by the service"),
        "{status}; countdown {countdown}; data meter {}; history {}",
        text_of(&root, "li[data-class='data']"),
        text_of(&root, "#monitor-history")
    );
    let topic = format!("{user}/feeds/level");
    TimeoutFuture::new(1500).await;
    assert!(
        !watcher.messages_on(&topic).iter().any(|p| p == b"999"),
        "nothing goes during the throttle"
    );
    // That the value goes when the throttle ends is proven natively with a fake clock
    // (tests/link_budgets.rs), without waiting out the throttle here.
    report(&format!(
        "over the plan: {} accepted before the throttle in {:.1} s, the next held with a countdown",
        watcher.messages_on(&topic).len(),
        (now_ms() - started) / 1000.0
    ));
}

#[wasm_bindgen_test]
async fn a_ban_pauses_everything_and_counts_down() {
    let user = unique("banned");
    let (root, _feeds, _app) = mount_with_store(StartupOptions::default());
    connect_page(&root, "adafruit-io", adafruit_url(), &user, "free").await;
    let watcher = observer(adafruit_url(), &user, &format!("{user}/feeds/level")).await;
    let card = add_card(&root, "number-input", &format!("aio:{user}/level"), "level").await;

    // Another device of the account misbehaves: eleven refused subscriptions bring a ban.
    let device = RecordingClient::as_user(adafruit_url(), &user);
    device.connect().await;
    for i in 0..11 {
        device
            .client
            .subscribe(
                &format!("someone-else/feeds/x{i}"),
                feedboard::mqtt::QoS::AtMostOnce,
            )
            .expect("valid filter");
    }
    assert!(
        wait_until(5000, || text_of(&root, "#hold-countdown")
            .starts_with("Account banned"))
        .await,
        "history: {}",
        text_of(&root, "#monitor-history")
    );
    let first = text_of(&root, "#hold-countdown");
    assert!(first.contains("everything waits"), "{first}");
    let seconds = |text: &str| -> u64 {
        text.rsplit(' ')
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    TimeoutFuture::new(2100).await;
    let later = text_of(&root, "#hold-countdown");
    assert!(
        seconds(&later) + 2 <= seconds(&first) && seconds(&later) > 0,
        "counts down: {first} → {later}"
    );
    assert!(text_of(&root, "#limit-badge").starts_with("Account banned"));

    // During the ban: a publish waits, a subscription is held back with a reason.
    submit_value(&root, &card, "7");
    assert!(
        wait_until(3000, || status_of(&root, &card)
            .contains("the account is banned"))
        .await,
        "{}",
        status_of(&root, &card)
    );
    type_into(&root, "Topic filter", &format!("{user}/feeds/other"));
    click(&root, "#subscribe-button");
    assert!(
        wait_until(5000, || text_of(&root, "#subscribe-error")
            .contains("the account is banned"))
        .await,
        "{}",
        text_of(&root, "#subscribe-error")
    );
    // The waiting value goes after the ban: proven natively (tests/link_budgets.rs).
    let topic = format!("{user}/feeds/level");
    assert!(
        watcher.messages_on(&topic).is_empty(),
        "nothing during the ban"
    );
    report("ban: counted down, a publish and a subscription held with the reason");
    device.client.disconnect();
}

#[wasm_bindgen_test]
async fn two_tabs_of_one_account_stay_within_one_budget() {
    let user = unique("two-tabs");
    let (tab_a, _feeds_a, _app_a) = mount_with_store(StartupOptions::default());
    let (tab_b, _feeds_b, _app_b) = remount_with_store(StartupOptions::default());
    connect_page(&tab_a, "adafruit-io", broker_url(), &user, "free").await;
    connect_page(&tab_b, "adafruit-io", broker_url(), &user, "free").await;
    let watcher = observer(broker_url(), &user, &format!("{user}/feeds/#")).await;
    let card_a = add_card(&tab_a, "number-input", &format!("aio:{user}/a"), "a").await;
    let card_b = add_card(&tab_b, "number-input", &format!("aio:{user}/b"), "b").await;
    let started = now_ms();
    for value in 1..=20 {
        submit_value(&tab_a, &card_a, &value.to_string());
        submit_value(&tab_b, &card_b, &value.to_string());
        TimeoutFuture::new(20).await;
    }
    TimeoutFuture::new(2000).await;
    let a = watcher.messages_on(&format!("{user}/feeds/a")).len();
    let b = watcher.messages_on(&format!("{user}/feeds/b")).len();
    report(&format!(
        "two tabs, 20 values each at once: {a} + {b} = {} reached the broker in {:.1} s (one free-plan budget: 27/min)",
        a + b,
        (now_ms() - started) / 1000.0
    ));
    assert_eq!(a + b, 27, "together exactly one budget, not two");
    assert!(a > 0 && b > 0);
    for tab in [&tab_a, &tab_b] {
        let meter = || text_of(tab, "li[data-class='data'] .meter-count");
        assert!(
            wait_until(3000, || meter() == "0 / 27").await,
            "{}",
            meter()
        );
    }
    assert!(
        wait_until(3000, || status_of(&tab_b, &card_b).starts_with("queued")).await,
        "{}",
        status_of(&tab_b, &card_b)
    );
}

#[wasm_bindgen_test]
async fn a_thingspeak_form_merges_edits_while_its_update_waits_for_the_window() {
    let channel = 300_000 + (js_sys::Math::random() * 100_000.0) as u64;
    let (root, _feeds, _app) = mount_with_store(StartupOptions::default());
    connect_page(&root, "thingspeak", thingspeak_url(), "device", "free").await;
    let watcher = RecordingClient::new(thingspeak_url());
    watcher.connect().await;
    let entries_topic = format!("channels/{channel}/subscribe");
    watcher.subscribe(&entries_topic).await;
    let card = add_card(
        &root,
        "channel-form",
        &format!("ts:{channel}/1"),
        &format!("{channel}/1"),
    )
    .await;
    let field = |n: u8, value: &str| {
        let input: HtmlInputElement = within(&root, &format!("{card} input[id$='-field{n}']"))
            .expect("a field")
            .unchecked_into();
        input.set_value(value);
        input
            .dispatch_event(&web_sys::Event::new("input").expect("event"))
            .expect("dispatch");
    };
    let started = now_ms();
    field(1, "10");
    click(&root, &format!("{card} button[type='submit']"));
    assert!(wait_until(3000, || watcher.messages_on(&entries_topic).len() == 1).await);
    // Two more edits inside the 15 s window: merged into one waiting update.
    field(2, "20");
    click(&root, &format!("{card} button[type='submit']"));
    TimeoutFuture::new(1000).await;
    field(3, "30");
    click(&root, &format!("{card} button[type='submit']"));
    wait_until(3000, || {
        text_of(&root, &format!("{card} .form-waiting")).contains("field2=20&field3=30")
    })
    .await;
    let waiting = text_of(&root, &format!("{card} .form-waiting"));
    assert!(waiting.contains("field2=20&field3=30"), "{waiting}");
    assert!(
        wait_until(3000, || status_of(&root, &card)
            .starts_with("queued, sends in"))
        .await,
        "{}",
        status_of(&root, &card)
    );
    // One update per window, the merged one after it: proven natively with a fake clock
    // (tests/link_budgets.rs).
    assert_eq!(
        watcher.messages_on(&entries_topic).len(),
        1,
        "nothing more yet"
    );
    let entry: serde_json::Value =
        serde_json::from_slice(&watcher.messages_on(&entries_topic)[0]).expect("channel JSON");
    assert_eq!(entry["field1"], "10");
    report(&format!(
        "ThingSpeak form, 3 sends in 1.5 s: 1 channel update, the others merged and waiting ({:.1} s)",
        (now_ms() - started) / 1000.0
    ));
}

#[wasm_bindgen_test]
async fn a_refused_topic_stops_its_control_until_the_feed_is_edited() {
    let user = unique("refused");
    let (root, _feeds, _app) = mount_with_store(StartupOptions::default());
    connect_page(&root, "adafruit-io", adafruit_url(), &user, "free").await;
    let card = add_card(
        &root,
        "toggle",
        "aio:someone-else/lamp",
        "someone-else/lamp",
    )
    .await;
    click(&root, &format!("{card} button[role='switch']"));
    assert!(
        wait_until(5000, || status_of(&root, &card)
            .contains("stopped because the service refused it"))
        .await,
        "{}",
        status_of(&root, &card)
    );
    let refusals = || {
        text_of(&root, "#monitor-history")
            .matches("refused: only your own feeds")
            .count()
    };
    assert_eq!(refusals(), 1, "{}", text_of(&root, "#monitor-history"));
    // Flipping again is refused here: the service never sees it.
    click(&root, &format!("{card} button[role='switch']"));
    TimeoutFuture::new(1000).await;
    assert_eq!(
        refusals(),
        1,
        "no second refusal from the service: {}",
        text_of(&root, "#monitor-history")
    );
    assert!(
        status_of(&root, &card).contains("stopped"),
        "{}",
        status_of(&root, &card)
    );

    // Pointing the card at the user's own feed lets it publish again.
    let watcher = observer(adafruit_url(), &user, &format!("{user}/feeds/lamp")).await;
    open_settings(&root, &card).await;
    let feed_field = within(&root, &format!("{card} input[id$='-feed']")).expect("feed field");
    let feed_field: HtmlInputElement = feed_field.unchecked_into();
    feed_field.set_value("lamp");
    feed_field
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    let own = format!("article[data-card-kind='toggle'][data-feeds='aio:{user}/lamp']");
    assert!(wait_until(5000, || within(&root, &own).is_some()).await);
    click(&root, &format!("{own} button[role='switch']"));
    let topic = format!("{user}/feeds/lamp");
    assert!(
        wait_until(3000, || !watcher.messages_on(&topic).is_empty()).await,
        "{}",
        status_of(&root, &own)
    );
}
