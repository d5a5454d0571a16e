//! The page as a user drives it: fill the form, connect, subscribe, watch the table.
#![cfg(target_arch = "wasm32")]

#[path = "support/browser.rs"]
mod browser;
#[path = "support/page.rs"]
mod page;
#[path = "support/session_client.rs"]
mod session_client;

use browser::*;
use feedboard::app::StartupOptions;
use feedboard::mqtt::QoS;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{self, HtmlInputElement};
use page::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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
    let row = "li[data-topic='feedboard-test/cli/binary'] pre.payload";
    assert!(
        wait_until(5000, || within(&root, row).is_some()).await,
        "log: {}",
        text_of(&root, ".log-list")
    );
    assert!(
        text_of(&root, row).starts_with("0000  00 01 02"),
        "{}",
        text_of(&root, row)
    );
    assert!(within(&root, "tr[data-feed='topic:feedboard-test/cli/binary']").is_some());
    assert!(
        wait_until(3000, || text_of(&root, "#subscription-list")
            .contains("active, QoS 0"))
        .await
    );
    let count: u64 = text_of(&root, "#log-total").parse().expect("a number");
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

    // The payload shows in the feeds table, the message log and the text card the feed got,
    // each time as text.
    // The feeds table shortens long values to their first 60 characters.
    let shortened = format!("{}…", payload.chars().take(60).collect::<String>());
    let places = [
        (
            format!("tr[data-feed='topic:{topic}'] td.payload"),
            shortened,
        ),
        (
            format!(".log-list li[data-topic='{topic}'] pre.payload"),
            payload.to_owned(),
        ),
        (
            format!("article[data-feeds='topic:{topic}'] .stream-value"),
            payload.to_owned(),
        ),
    ];
    for (place, expected) in &places {
        assert!(
            wait_until(5000, || text_of(&root, place) == *expected).await,
            "{place}: {}",
            text_of(&root, place)
        );
        let element = within(&root, place).expect("shown");
        assert_eq!(
            element.child_element_count(),
            0,
            "no elements were created from the payload in {place}"
        );
    }
    assert!(root.query_selector("img, script").expect("query").is_none());
    assert_ne!(document().title(), "pwned");
    sender.client.disconnect();
}

#[wasm_bindgen_test]
async fn a_bad_url_and_a_bad_filter_get_clear_messages() {
    let (root, _app) = mount(StartupOptions::default());
    type_into(&root, "Broker URL", "https://io.adafruit.com/mqtt");
    click(&root, "#connect-button");
    assert!(wait_until(5000, || within(&root, "#connection-error").is_some()).await);
    assert!(text_of(&root, "#connection-error").contains("did you mean wss://io.adafruit.com/mqtt"));

    type_into(&root, "Broker URL", broker_url());
    click(&root, "#connect-button");
    assert!(wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await);
    type_into(&root, "Topic filter", "sensors/#/temperature");
    click(&root, "#subscribe-button");
    assert!(wait_until(5000, || within(&root, "#subscribe-error").is_some()).await);
    assert!(text_of(&root, "#subscribe-error").contains("# must stand alone"));
    click(&root, "#connect-button");
}

#[wasm_bindgen_test]
async fn picking_a_service_names_the_connection_and_an_empty_url_says_what_to_type() {
    let (root, _app) = mount(StartupOptions::default());
    let field = |id: &str| -> HtmlInputElement {
        within(&root, id)
            .unwrap_or_else(|| panic!("no {id}"))
            .unchecked_into()
    };
    choose(&root, "#service", "adafruit-io");
    assert!(
        wait_until(5000, || field("#profile-name").value() == "Adafruit IO").await,
        "{}",
        field("#profile-name").value()
    );
    choose(&root, "#service", "thingspeak");
    assert!(wait_until(5000, || field("#profile-name").value() == "ThingSpeak").await);
    choose(&root, "#service", "generic");
    assert!(wait_until(5000, || field("#profile-name").value() == "MQTT broker").await);
    type_into(&root, "Name", "Greenhouse");
    choose(&root, "#service", "adafruit-io");
    choose(&root, "#service", "generic");
    assert_eq!(
        field("#profile-name").value(),
        "Greenhouse",
        "a chosen name stays"
    );

    // An empty plain-broker URL: the placeholder reads as an example, and the message is
    // about brokers in general, not Adafruit IO's address.
    type_into(&root, "Broker URL", "");
    assert!(
        field("#broker-url").placeholder().starts_with("e.g. ws://"),
        "{}",
        field("#broker-url").placeholder()
    );
    click(&root, "#connect-button");
    assert!(wait_until(5000, || within(&root, "#connection-error").is_some()).await);
    let message = text_of(&root, "#connection-error");
    assert!(message.contains("WebSocket URL"), "{message}");
    assert!(!message.contains("adafruit"), "{message}");
    // Nothing was connected, so nothing is saved and the welcome is still there.
    assert!(
        within(&root, ".first-run").is_some(),
        "the welcome stays after a connection that could not start"
    );
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
    let cell = format!("tr[data-feed='aio:{user}/counter'] td.payload");
    assert!(
        wait_until(5000, || text_of(&root, &cell) == "42").await,
        "{}",
        text_of(&root, "#feeds-table")
    );

    // A # subscription gets every update on three topics; the page counts it once.
    type_into(&root, "Topic filter", &format!("{user}/f/#"));
    click(&root, "#subscribe-button");
    let hash = format!("li[data-filter='{user}/f/#']");
    assert!(wait_until(3000, || text_of(&root, &hash).contains("active")).await);
    let updates_before: u64 = text_of(&root, "#update-count").parse().expect("a number");
    writer
        .client
        .publish(&format!("{user}/f/light"), b"300", QoS::AtLeastOnce, false)
        .unwrap();
    let light = format!("tr[data-feed='aio:{user}/light'] td.payload");
    assert!(wait_until(5000, || text_of(&root, &light) == "300").await);
    // All three deliveries arrive (the log shows them) before counting.
    let log_rows = format!(".log-list li[data-topic^='{user}/f/light']");
    assert!(
        wait_until(3000, || all_within(&root, &log_rows).len() == 3).await,
        "the log lists the plain, /json and /csv deliveries"
    );
    let updates_after: u64 = text_of(&root, "#update-count").parse().expect("a number");
    assert_eq!(
        updates_after - updates_before,
        1,
        "one update, counted once"
    );
    assert_eq!(
        text_of(
            &root,
            &format!("tr[data-feed='aio:{user}/light'] td.update-count")
        ),
        "1"
    );
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
    // A reconnect the page is told to make (back online) is not held to the 10 s spacing of
    // its own attempts: proven natively (tests/link_connection.rs), so no waiting it out here.

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
        wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await,
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
        wait_until(3000, || text_of(&root, "#connection-error")
            .contains("wrong username or password (code 4)"))
        .await,
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

/// The widest option of `select`, in CSS pixels, in the select's own font.
fn widest_option(select: &web_sys::HtmlSelectElement) -> f64 {
    let style = web_sys::window()
        .and_then(|w| w.get_computed_style(select).ok().flatten())
        .expect("a computed style");
    let canvas: web_sys::HtmlCanvasElement = document()
        .create_element("canvas")
        .expect("canvas")
        .unchecked_into();
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .expect("2d")
        .unchecked_into();
    context.set_font(&style.get_property_value("font").unwrap_or_default());
    let options = select.options();
    (0..options.length())
        .filter_map(|i| options.item(i))
        .filter_map(|option| option.text_content())
        .filter_map(|text| context.measure_text(&text).ok())
        .map(|metrics| metrics.width())
        .fold(0.0, f64::max)
}

#[wasm_bindgen_test]
async fn the_qos_list_shows_its_options_whole_on_a_phone_and_a_laptop() {
    let _styled = with_stylesheet();
    let (root, _app) = mount(StartupOptions::default());
    for width in ["360px", "1280px"] {
        root.style().set_property("width", width).expect("width");
        let select: web_sys::HtmlSelectElement = within(&root, "#subscribe-qos")
            .expect("the QoS list")
            .unchecked_into();
        let padding = |side: &str| {
            web_sys::window()
                .and_then(|w| w.get_computed_style(&select).ok().flatten())
                .and_then(|s| s.get_property_value(side).ok())
                .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // Room for the text, the padding and the drop-down arrow (about 1.5 em).
        let needed = widest_option(&select) + padding("padding-left") + padding("padding-right");
        let arrow = 20.0;
        assert!(
            f64::from(select.client_width()) >= needed + arrow,
            "at {width} the list is {} px wide, its options need {needed:.0} px + the arrow",
            select.client_width()
        );
    }
}
