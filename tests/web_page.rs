//! The page as a user drives it: fill the form, connect, subscribe, watch the table.
#![cfg(target_arch = "wasm32")]

#[path = "support/browser.rs"]
mod browser;

use browser::*;
use feedboard::app::{App, StartupOptions};
use feedboard::mqtt::QoS;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{self, HtmlElement, HtmlInputElement};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// A fresh container for one test's app.
fn container() -> HtmlElement {
    let element = document().create_element("div").expect("div");
    document()
        .body()
        .expect("body")
        .append_child(&element)
        .expect("append");
    element.unchecked_into()
}

fn within(root: &HtmlElement, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).ok().flatten()
}

fn text_of(root: &HtmlElement, selector: &str) -> String {
    within(root, selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Types into a labelled input the way a user would (sets the value, fires `input`).
fn type_into(root: &HtmlElement, label_text: &str, value: &str) {
    let label = root.query_selector_all("label").expect("labels");
    let id = (0..label.length())
        .filter_map(|i| label.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .find(|l| l.text_content().as_deref() == Some(label_text))
        .and_then(|l| l.get_attribute("for"))
        .unwrap_or_else(|| panic!("no label \"{label_text}\""));
    let input: HtmlInputElement = within(root, &format!("#{id}"))
        .unwrap_or_else(|| panic!("label \"{label_text}\" points at nothing"))
        .unchecked_into();
    input.set_value(value);
    let event = web_sys::Event::new("input").expect("event");
    input.dispatch_event(&event).expect("dispatch");
}

fn choose(root: &HtmlElement, selector: &str, value: &str) {
    let select: web_sys::HtmlSelectElement = within(root, selector)
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
        .unchecked_into();
    select.set_value(value);
    select
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
}

/// Picks Adafruit IO in the form, checks the form adapts (credential labels, the service's
/// URL), then points it at the simulator and fills in `user` and `key`.
async fn fill_adafruit_form(root: &HtmlElement, user: &str, key: &str) {
    choose(root, "#service", "adafruit-io");
    let relabelled = wait_until(1000, || {
        text_of(root, "label[for='username']") == "Adafruit IO username"
    })
    .await;
    assert!(
        relabelled,
        "label: {}",
        text_of(root, "label[for='username']")
    );
    assert_eq!(text_of(root, "label[for='password']"), "AIO key");
    let url: HtmlInputElement = within(root, "#broker-url")
        .expect("url field")
        .unchecked_into();
    assert_eq!(
        url.value(),
        "wss://io.adafruit.com:443/mqtt",
        "choosing a service fills its URL"
    );
    type_into(root, "Broker URL", adafruit_url());
    type_into(root, "Adafruit IO username", user);
    type_into(root, "AIO key", key);
}

fn click(root: &HtmlElement, selector: &str) {
    within(root, selector)
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
        .unchecked_into::<HtmlElement>()
        .click();
}

fn mount(options: StartupOptions) -> (HtmlElement, impl Drop) {
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), move || view! { <App options=options /> });
    (root, handle)
}

#[wasm_bindgen_test]
async fn connecting_and_subscribing_through_the_form_fills_the_table() {
    let (root, _app) = mount(StartupOptions {
        service: None,
        url: String::new(),
        auto_connect: false,
        subscribe: vec![],
    });
    assert_eq!(text_of(&root, "#connection-status"), "Disconnected");
    type_into(&root, "Broker URL", broker_url());
    click(&root, "#connect-button");
    assert!(
        wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await,
        "status: {}",
        text_of(&root, "#connection-status")
    );
    assert_eq!(text_of(&root, "#connect-button"), "Disconnect");

    type_into(&root, "Topic filter", "feedboard-test/cli/#");
    click(&root, "#subscribe-button");
    let row = "tr[data-topic='feedboard-test/cli/binary'] td.payload";
    assert!(
        wait_until(5000, || within(&root, row).is_some()).await,
        "table: {}",
        text_of(&root, "#latest-values")
    );
    assert!(text_of(&root, row).starts_with("binary, 256 bytes: 00 01 02"));
    assert!(
        wait_until(3000, || text_of(&root, "#subscription-list")
            .contains("active, QoS 0"))
        .await
    );
    let count: u64 = text_of(&root, "#message-count").parse().expect("a number");
    assert!(count >= 2, "message count {count}");

    click(&root, "#connect-button");
    assert!(
        wait_until(3000, || text_of(&root, "#connection-status")
            == "Disconnected")
        .await
    );
}

#[wasm_bindgen_test]
async fn a_markup_payload_is_shown_as_text_and_never_becomes_html() {
    let topic = unique("feedboard-test/markup");
    let (root, _app) = mount(StartupOptions {
        service: None,
        url: broker_url().to_owned(),
        auto_connect: true,
        subscribe: vec![topic.clone()],
    });
    assert!(wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await);
    assert!(
        wait_until(3000, || text_of(&root, "#subscription-list")
            .contains("active"))
        .await
    );

    let payload =
        "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";
    let sender = RecordingClient::new(broker_url());
    sender.connect().await;
    sender
        .client
        .publish(&topic, payload.as_bytes(), QoS::AtLeastOnce, false)
        .unwrap();

    let cell = format!("tr[data-topic='{topic}'] td.payload");
    assert!(wait_until(5000, || within(&root, &cell).is_some()).await);
    assert_eq!(text_of(&root, &cell), payload);
    let cell_element = within(&root, &cell).expect("cell");
    assert_eq!(
        cell_element.child_element_count(),
        0,
        "no elements were created from the payload"
    );
    assert_ne!(document().title(), "pwned");
    sender.client.disconnect();
}

#[wasm_bindgen_test]
async fn a_bad_url_and_a_bad_filter_get_clear_messages() {
    let (root, _app) = mount(StartupOptions::default());
    type_into(&root, "Broker URL", "https://io.adafruit.com/mqtt");
    click(&root, "#connect-button");
    assert!(wait_until(1000, || within(&root, "#connection-error").is_some()).await);
    assert!(text_of(&root, "#connection-error").contains("did you mean wss://io.adafruit.com/mqtt"));

    type_into(&root, "Broker URL", broker_url());
    click(&root, "#connect-button");
    assert!(wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await);
    type_into(&root, "Topic filter", "sensors/#/temperature");
    click(&root, "#subscribe-button");
    assert!(wait_until(1000, || within(&root, "#subscribe-error").is_some()).await);
    assert!(text_of(&root, "#subscribe-error").contains("# must stand alone"));
    click(&root, "#connect-button");
}

#[wasm_bindgen_test]
async fn an_adafruit_io_connection_watches_its_notices_and_fetches_last_values() {
    let user = unique("maker");
    let writer = RecordingClient::as_user(adafruit_url(), &user);
    writer.connect().await;
    writer
        .publish_confirmed(&format!("{user}/feeds/counter"), b"42")
        .await;

    let (root, _app) = mount(StartupOptions::default());
    fill_adafruit_form(&root, &user, "not-a-real-key").await;
    click(&root, "#connect-button");
    assert!(wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await);
    for automatic in [format!("{user}/throttle"), format!("{user}/errors")] {
        let item = format!("li[data-filter='{automatic}']");
        assert!(
            wait_until(3000, || text_of(&root, &item).contains("active")).await,
            "{automatic}"
        );
    }

    // Subscribing to a feed shows its last value at once, fetched with /get.
    type_into(&root, "Topic filter", &format!("{user}/f/counter"));
    click(&root, "#subscribe-button");
    let cell = format!("tr[data-topic='{user}/f/counter'] td.payload");
    assert!(
        wait_until(5000, || text_of(&root, &cell) == "42").await,
        "{}",
        text_of(&root, "#latest-values")
    );

    // A # subscription gets every update on three topics; the page counts it once.
    type_into(&root, "Topic filter", &format!("{user}/f/#"));
    click(&root, "#subscribe-button");
    let hash = format!("li[data-filter='{user}/f/#']");
    assert!(wait_until(3000, || text_of(&root, &hash).contains("active")).await);
    let count_before: u64 = text_of(&root, "#message-count").parse().expect("a number");
    writer
        .client
        .publish(&format!("{user}/f/light"), b"300", QoS::AtLeastOnce, false)
        .unwrap();
    let light = format!("tr[data-topic='{user}/f/light'] td.payload");
    assert!(wait_until(5000, || text_of(&root, &light) == "300").await);
    // Let the /json and /csv copies arrive before counting.
    gloo_timers::future::TimeoutFuture::new(500).await;
    let count_after: u64 = text_of(&root, "#message-count").parse().expect("a number");
    assert_eq!(count_after - count_before, 1, "one update, counted once");
    assert!(within(&root, &format!("tr[data-topic='{user}/f/light/json']")).is_none());
    click(&root, "#connect-button");
    assert!(
        wait_until(3000, || text_of(&root, "#connection-status")
            == "Disconnected")
        .await
    );

    // Logging in as someone else does not carry the first account's subscriptions along
    // (Adafruit IO would refuse them and count the refusals toward a ban).
    let other = unique("maker");
    type_into(&root, "Adafruit IO username", &other);
    click(&root, "#connect-button");
    let other_errors = format!("li[data-filter='{other}/errors']");
    assert!(wait_until(5000, || text_of(&root, &other_errors).contains("active")).await);
    let filters = text_of(&root, "#subscription-list");
    assert!(!filters.contains(&user), "{filters}");
    click(&root, "#connect-button");
}

#[wasm_bindgen_test]
async fn coming_back_online_reconnects_without_waiting_out_the_backoff() {
    let user = unique("maker");
    let (root, _app) = mount(StartupOptions::default());
    // Adafruit IO asks for at least 10 s between reconnects.
    fill_adafruit_form(&root, &user, "not-a-real-key").await;
    click(&root, "#connect-button");
    assert!(wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await);

    // A second client with the page's client ID makes the broker drop the page's connection.
    let client_id: HtmlInputElement = within(&root, "#client-id").expect("field").unchecked_into();
    let intruder = RecordingClient::with_config(
        adafruit_url(),
        feedboard::mqtt::SessionConfig {
            client_id: client_id.value(),
            username: Some(user.clone()),
            reconnect: None,
            ..feedboard::mqtt::SessionConfig::default()
        },
    );
    intruder.client.connect();
    assert!(
        wait_until(3000, || text_of(&root, "#connection-status")
            == "Reconnecting…")
        .await,
        "status: {}",
        text_of(&root, "#connection-status")
    );
    assert!(text_of(&root, "#reconnect-countdown").contains("Trying again in"));

    // The browser reports the network is back: the page reconnects now, not in 10 s.
    let online = web_sys::Event::new("online").expect("event");
    web_sys::window()
        .expect("window")
        .dispatch_event(&online)
        .expect("dispatch");
    assert!(
        wait_until(2000, || text_of(&root, "#connection-status") == "Connected").await,
        "status: {}",
        text_of(&root, "#connection-status")
    );
    click(&root, "#connect-button");
}

#[wasm_bindgen_test]
async fn a_wrong_key_is_one_attempt_and_a_clear_message_not_a_loop() {
    // dev/test starts the simulator with the account feedboard-locked:right-key.
    let (root, _app) = mount(StartupOptions::default());
    fill_adafruit_form(&root, "feedboard-locked", "wrong-key").await;
    click(&root, "#connect-button");
    assert!(
        wait_until(5000, || text_of(&root, "#connection-status")
            == "Connection failed")
        .await,
        "status: {}",
        text_of(&root, "#connection-status")
    );
    assert!(
        text_of(&root, "#connection-error").contains("wrong username or password (code 4)"),
        "{}",
        text_of(&root, "#connection-error")
    );
    // No countdown, and no second attempt: the page is still waiting for the user after 1.5 s
    // (the first reconnect would have come after Adafruit IO's 10 s anyway, so check the state).
    assert!(within(&root, "#reconnect-countdown").is_none());
    gloo_timers::future::TimeoutFuture::new(1500).await;
    assert_eq!(text_of(&root, "#connection-status"), "Connection failed");
    assert_eq!(text_of(&root, "#connect-button"), "Connect");
}
