//! A monitor that watches: a feed that stops is marked silent and recovers; an "above" rule
//! fires once and clears; a system notification is shown only once the user turned them on,
//! and names the feed and the value; rules survive a reload and an export/import round trip.
//! Real mosquitto, headless Chromium with notifications allowed (webdriver.json).
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
use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys::{self, HtmlElement};
use page::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn connect_and_follow(root: &HtmlElement, prefix: &str) {
    type_into(root, "Broker URL", broker_url());
    click(root, "#connect-button");
    assert!(
        wait_until(5000, || text_of(root, "#connection-status") == "Connected").await,
        "{}",
        text_of(root, "#connection-error")
    );
    type_into(root, "Topic filter", &format!("{prefix}/#"));
    click(root, "#subscribe-button");
    assert!(
        wait_until(3000, || text_of(
            root,
            &format!("#subscription-list li[data-filter='{prefix}/#']")
        )
        .contains("active"))
        .await
    );
}

async fn sender() -> RecordingClient {
    let sender = RecordingClient::new(broker_url());
    sender.connect().await;
    sender
}

/// Publishes `value` and waits until the page's feed table shows it.
async fn send(root: &HtmlElement, sender: &RecordingClient, topic: &str, value: &str) {
    sender.publish_confirmed(topic, value.as_bytes()).await;
    let row = format!("#feeds-table tr[data-feed='topic:{topic}'] .payload");
    assert!(
        wait_until(3000, || text_of(root, &row) == value).await,
        "{topic} = {value}: {}",
        text_of(root, &row)
    );
}

async fn add_rule(root: &HtmlElement, feed: &str, kind: &str, first: &str, hysteresis: &str) {
    type_into(root, "Feed", feed);
    choose(root, "#rule-kind", kind);
    let first_label = match kind {
        "silent" => "Minutes",
        "equals" => "Text",
        _ => "Threshold",
    };
    assert!(
        wait_until(5000, || text_of(root, "label[for='rule-first']")
            == first_label)
        .await
    );
    type_into(root, first_label, first);
    if !hysteresis.is_empty() {
        type_into(root, "Hysteresis", hysteresis);
    }
    click(root, "form.add-rule button[type='submit']");
}

fn rules(root: &HtmlElement) -> Vec<String> {
    all_within(root, ".rule-list li")
        .iter()
        .map(|li| li.get_attribute("data-rule").unwrap_or_default())
        .collect()
}

fn history(root: &HtmlElement) -> Vec<String> {
    all_within(root, "#alert-history li")
        .iter()
        .map(|li| li.text_content().unwrap_or_default())
        .collect()
}

fn run_js(code: &str) -> JsValue {
    js_sys::Function::new_no_args(code)
        .call0(&JsValue::NULL)
        .expect("the script runs")
}

#[wasm_bindgen_test]
async fn a_feed_that_stops_is_marked_silent_within_its_interval_and_recovers() {
    let prefix = unique("quiet");
    let topic = format!("{prefix}/beat");
    let (root, _app) = mount(StartupOptions::default());
    connect_and_follow(&root, &prefix).await;
    let sender = sender().await;
    send(&root, &sender, &topic, "1").await;
    let card = format!("article.card[data-feeds='topic:{topic}']");
    assert!(wait_until(3000, || within(&root, &card).is_some()).await);
    open_settings(&root, &card).await;
    // The user says the feed reports every second: silent after 3 s without an update.
    type_into(&root, "Updates every (s)", "1");
    close_settings(&root, &card);
    send(&root, &sender, &topic, "2").await;
    assert!(
        within(&root, &format!("{card} .card-silent")).is_none(),
        "not silent while it reports"
    );

    let note = format!("{card} .card-silent");
    assert!(
        wait_until(8000, || within(&root, &note).is_some()).await,
        "marked silent: {}",
        text_of(&root, &card)
    );
    let text = text_of(&root, &note);
    assert!(
        text.starts_with("Silent since ") && text.ends_with("(usually every 1 s)"),
        "{text}"
    );
    assert!(within(
        &root,
        &format!("#feeds-table tr.silent[data-feed='topic:{topic}']")
    )
    .is_some());
    assert_eq!(text_of(&root, "#watch-summary"), "1 feed silent");

    send(&root, &sender, &topic, "3").await;
    assert!(
        wait_until(5000, || within(&root, &note).is_none()).await,
        "recovers on its next update"
    );
    assert!(within(&root, "#watch-summary").is_none());
    sender.client.disconnect();
}

#[wasm_bindgen_test]
async fn an_above_rule_fires_once_clears_and_notifies_only_once_turned_on() {
    // Every notification the page creates is recorded (the real one is still made).
    run_js(
        "window.__asked = 0; window.__notes = [];
         const Real = window.__RealNotification || window.Notification;
         window.__RealNotification = Real;
         const Spy = class extends Real {
           constructor(title, options) { super(title, options); window.__notes.push(title + ' | ' + (options && options.body)); }
         };
         Spy.requestPermission = (...args) => { window.__asked += 1; return Real.requestPermission(...args); };
         window.Notification = Spy;",
    );
    let notes = || {
        run_js("return window.__notes.join('\\n');")
            .as_string()
            .unwrap_or_default()
    };
    let asked = || run_js("return window.__asked;").as_f64().unwrap_or(-1.0);
    let permission = || {
        run_js("return Notification.permission;")
            .as_string()
            .unwrap_or_default()
    };
    // Chromium and Firefox are started with notifications allowed (webdriver.json); WebKitGTK's
    // driver cannot be told, so there the click must ask, and the answer is reported.
    let granted_at_start = permission() == "granted";

    let prefix = unique("hot");
    let topic = format!("{prefix}/temp");
    let (root, _app) = mount(StartupOptions::default());
    connect_and_follow(&root, &prefix).await;
    let sender = sender().await;
    add_rule(&root, &topic, "above", "30", "1").await;
    assert!(wait_until(5000, || rules(&root) == [format!("{topic} above 30")]).await);

    for value in ["29", "31", "29.5", "30.5", "29.2"] {
        send(&root, &sender, &topic, value).await;
    }
    let entries = history(&root);
    assert_eq!(entries.len(), 1, "fires once while it hovers: {entries:?}");
    assert!(
        entries[0].contains(&format!("{topic} above 30: 31")),
        "{entries:?}"
    );
    assert!(entries[0].ends_with("firing"), "{entries:?}");
    let card = format!("article.card[data-feeds='topic:{topic}'] .card-alert");
    assert!(
        wait_until(3000, || text_of(&root, &card).contains("above 30: 31")).await,
        "{}",
        text_of(&root, &card)
    );
    assert!(
        wait_until(3000, || text_of(&root, "#watch-summary")
            .contains("1 alert"))
        .await
    );
    assert!(text_of(&root, ".rule-list li").contains("firing"));

    send(&root, &sender, &topic, "28").await;
    assert!(
        wait_until(5000, || history(&root)
            .first()
            .is_some_and(|e| e.contains("cleared")))
        .await,
        "{:?}",
        history(&root)
    );
    assert_eq!(history(&root).len(), 1);
    // The card's own note follows in its own update.
    assert!(wait_until(5000, || within(&root, &card).is_none()).await);
    assert_eq!(
        notes(),
        "",
        "no notification before the user turned them on"
    );
    assert_eq!(asked(), 0.0, "permission is never asked for at load");

    click(&root, "#alerts-notify");
    let checked = || {
        within(&root, "#alerts-notify")
            .map(|e| e.unchecked_into::<web_sys::HtmlInputElement>().checked())
            == Some(true)
    };
    if !granted_at_start {
        assert!(
            wait_until(3000, || asked() == 1.0).await,
            "the click asks for permission, once"
        );
        if permission() != "granted" {
            assert!(
                wait_until(3000, || !text_of(&root, ".alerts-panel .error").is_empty()).await,
                "a refusal is explained: {}",
                text_of(&root, ".alerts-panel")
            );
            assert!(!checked(), "notifications stay off without permission");
            run_js("window.Notification = window.__RealNotification;");
            sender.client.disconnect();
            return;
        }
    }
    assert!(
        wait_until(5000, checked).await,
        "{}",
        text_of(&root, ".alerts-panel")
    );
    send(&root, &sender, &topic, "33.5").await;
    assert!(
        wait_until(5000, || !notes().is_empty()).await,
        "a notification is shown"
    );
    assert_eq!(notes(), format!("Feedboard alert | {topic} above 30: 33.5"));
    assert_eq!(history(&root).len(), 2);
    run_js("window.Notification = window.__RealNotification;");
    sender.client.disconnect();
}

#[wasm_bindgen_test]
async fn rules_survive_a_reload_and_an_export_import_round_trip() {
    let prefix = unique("keep-rules");
    let expected = vec![
        format!("{prefix}/freezer above -15"),
        format!("{prefix}/door silent for 30 min"),
    ];
    let exported;
    {
        let (root, _feeds, app) = mount_with_store(StartupOptions::default());
        connect_and_follow(&root, &prefix).await;
        add_rule(&root, &format!("{prefix}/freezer"), "above", "-15", "").await;
        assert!(wait_until(5000, || rules(&root).len() == 1).await);
        add_rule(&root, &format!("{prefix}/door"), "silent", "30", "").await;
        assert!(
            wait_until(5000, || rules(&root) == expected).await,
            "{:?}",
            rules(&root)
        );
        // The same rule again is refused with a reason.
        add_rule(&root, &format!("{prefix}/freezer"), "above", "-15", "").await;
        assert!(
            wait_until(5000, || text_of(&root, "form.add-rule .error")
                .contains("already"))
            .await
        );
        assert_eq!(rules(&root).len(), 2);

        capture_downloads();
        click(&root, "#export-dashboard");
        exported = downloaded(0).await.1;
        assert!(exported.contains("\"rules\""), "{exported}");
        TimeoutFuture::new(100).await;
        drop(app);
        root.remove();
    }

    let (root, _feeds, _app) = remount_with_store(StartupOptions::default());
    assert!(
        wait_until(3000, || rules(&root) == expected).await,
        "rules are back after a reload: {:?}",
        rules(&root)
    );
    import_and_expect(&root, "kitchen.json", &exported, "with 2 alert rules").await;
    assert_eq!(all_within(&root, "[role='tab']").len(), 2);
    assert_eq!(
        rules(&root),
        expected,
        "the imported tab has the same rules"
    );
}
