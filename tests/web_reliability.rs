//! Riding out a real broker outage: mosquitto is stopped and started again under the test's
//! control (broker-control, persistent sessions kept on disk). The page reconnects by itself,
//! renews its subscriptions, and QoS 1 messages published during the outage arrive, both the
//! page's own and those sent to it; unacknowledged publishes survive a page reload.
#![cfg(target_arch = "wasm32")]

#[path = "support/browser.rs"]
mod browser;
#[path = "support/page.rs"]
mod page;
#[path = "support/session_client.rs"]
mod session_client;

use browser::*;
use feedboard::app::StartupOptions;
use feedboard::mqtt::{QoS, SessionConfig};
use feedboard::service::feed_ref::FeedRef;
use feedboard::ui::feeds_handle::FeedsHandle;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{self, HtmlElement};
use page::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Fills the generic form for the restartable broker with a fixed client ID, a persistent
/// session if asked, and connects.
async fn connect_restartable(root: &HtmlElement, client_id: &str, persistent: bool) {
    type_into(root, "Broker URL", restart_url());
    type_into(root, "Client ID", client_id);
    if persistent {
        click(root, "#persistent-session");
    }
    click(root, "#connect-button");
    assert!(
        wait_until(5000, || text_of(root, "#connection-status") == "Connected").await,
        "{}",
        text_of(root, "#connection-error")
    );
}

/// A text-input card publishing at QoS 1 to `topic`; returns its selector.
async fn qos1_text_card(root: &HtmlElement, topic: &str) -> String {
    let card = add_card(root, "text-input", &format!("topic:{topic}"), topic).await;
    open_settings(root, &card).await;
    choose(root, &format!("{card} select[id$='-qos']"), "1");
    close_settings(root, &card);
    card
}

/// A client that keeps its session (QoS 1 messages wait for it at the broker while away).
async fn persistent_observer(filter: &str) -> RecordingClient {
    let observer = RecordingClient::with_config(
        restart_url(),
        SessionConfig {
            client_id: unique("observer"),
            clean_session: false,
            ..SessionConfig::default()
        },
    );
    observer.connect().await;
    observer
        .client
        .subscribe(filter, QoS::AtLeastOnce)
        .expect("valid filter");
    assert!(
        wait_until(3000, || observer
            .count(|e| matches!(e, feedboard::mqtt::Event::Subscribed { .. }))
            > 0)
        .await
    );
    observer
}

fn texts_on(feeds: FeedsHandle, topic: &str) -> Vec<String> {
    feeds.store().with_untracked(|store| {
        store
            .get(&FeedRef::Topic(topic.to_owned()))
            .map(|series| {
                series
                    .recent_values(1000)
                    .into_iter()
                    .rev()
                    .filter_map(|(_, value)| {
                        value.map(|v| match v {
                            feedboard::feeds::series::RowValue::Text(t) => t.to_owned(),
                            feedboard::feeds::series::RowValue::Number(n) => n.to_string(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

fn saved_outboxes() -> u32 {
    let storage = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("storage");
    (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with("feedboard.outbox."))
        .count() as u32
}

#[wasm_bindgen_test]
async fn a_broker_restart_loses_no_qos1_message_either_way() {
    let prefix = unique("restart");
    let (inbound, outbound) = (format!("{prefix}/in"), format!("{prefix}/out"));
    let (root, feeds, _app) = mount_with_store(StartupOptions::default());
    connect_restartable(&root, &unique("page"), true).await;
    type_into(&root, "Topic filter", &inbound);
    choose(&root, "#subscribe-qos", "1");
    click(&root, "#subscribe-button");
    let subscription = format!("li[data-filter='{inbound}']");
    assert!(
        wait_until(3000, || text_of(&root, &subscription)
            .contains("active, QoS 1"))
        .await
    );
    let watcher = persistent_observer(&outbound).await;
    let card = qos1_text_card(&root, &outbound).await;

    // The broker goes away mid-stream.
    broker_control("stop").await;
    assert!(
        wait_until(5000, || text_of(&root, "#connection-status")
            == "Reconnecting…")
        .await,
        "{}",
        text_of(&root, "#connection-status")
    );
    // The page publishes during the outage: the message waits for the connection.
    submit_value(&root, &card, "sent while the broker was down");
    assert!(
        wait_until(3000, || text_of(&root, &format!("{card} .control-status"))
            .contains("waits for the connection"))
        .await,
        "{}",
        text_of(&root, &format!("{card} .control-status"))
    );
    assert_eq!(
        saved_outboxes(),
        1,
        "the waiting message is kept for a reload"
    );
    TimeoutFuture::new(1500).await;

    broker_control("start").await;
    // Sent to the page right after the restart, before the page is back: the broker keeps
    // them in the page's persistent session.
    let sender = RecordingClient::new(restart_url());
    sender.connect().await;
    for i in 0..5 {
        sender
            .publish_confirmed(&inbound, format!("to the page {i}").as_bytes())
            .await;
    }
    let page_was_back = text_of(&root, "#connection-status") == "Connected";

    // That the page comes back by itself after its backoff is proven natively with a fake
    // clock (tests/link_connection.rs); here "Reconnect now" skips the backoff's real time.
    assert!(
        wait_until(8000, || {
            if let Some(button) = within(&root, "#reconnect-now") {
                button.unchecked_into::<HtmlElement>().click();
            }
            text_of(&root, "#connection-status") == "Connected"
        })
        .await,
        "the page reconnects: {}",
        text_of(&root, "#connection-status")
    );
    assert!(
        wait_until(3000, || text_of(&root, &subscription).contains("active")).await,
        "and renews its subscription"
    );
    assert!(
        wait_until(5000, || texts_on(feeds, &inbound).len() >= 5).await,
        "received: {:?}",
        texts_on(feeds, &inbound)
    );
    let received = texts_on(feeds, &inbound);
    for i in 0..5 {
        let copies = received
            .iter()
            .filter(|t| **t == format!("to the page {i}"))
            .count();
        assert!(
            copies >= 1,
            "message {i} arrived at least once: {received:?}"
        );
    }
    assert!(
        wait_until(5000, || !watcher.messages_on(&outbound).is_empty()).await,
        "the page's own message arrived after the restart"
    );
    TimeoutFuture::new(500).await;
    let delivered = watcher.messages_on(&outbound);
    assert!(delivered
        .iter()
        .all(|p| p == b"sent while the broker was down"));
    assert!(
        wait_until(3000, || saved_outboxes() == 0).await,
        "acknowledged: nothing kept any more"
    );
    web_sys::console::log_1(
        &format!(
            "measured: restart: 5 QoS 1 messages to the page arrived {} times in all ({}), the page's 1 arrived {} time(s)",
            received.len(),
            if page_was_back { "the page was already back" } else { "queued in its persistent session" },
            delivered.len()
        )
        .into(),
    );
    sender.client.disconnect();
    watcher.client.disconnect();
}

#[wasm_bindgen_test]
async fn unacknowledged_publishes_survive_a_reload() {
    let prefix = unique("reload");
    let topics = [format!("{prefix}/a"), format!("{prefix}/b")];
    let client_id = unique("page");
    {
        let (root, _feeds, app) = mount_with_store(StartupOptions::default());
        connect_restartable(&root, &client_id, false).await;
        let cards = [
            qos1_text_card(&root, &topics[0]).await,
            qos1_text_card(&root, &topics[1]).await,
        ];
        broker_control("stop").await;
        assert!(wait_until(5000, || text_of(&root, "#connection-status") != "Connected").await);
        submit_value(&root, &cards[0], "first, before the reload");
        submit_value(&root, &cards[1], "second, before the reload");
        TimeoutFuture::new(200).await;
        assert_eq!(saved_outboxes(), 1);
        // The page goes away (a reload) with both messages unacknowledged.
        drop(app);
        root.remove();
    }
    broker_control("start").await;
    let watcher = persistent_observer(&format!("{prefix}/#")).await;

    // The page loads again and, its connection saved, connects by itself: the messages go out.
    let (root, _feeds, _app) = remount_with_store(StartupOptions::default());
    assert!(
        wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await,
        "{}",
        text_of(&root, "#connection-error")
    );
    assert!(
        wait_until(5000, || topics
            .iter()
            .all(|t| !watcher.messages_on(t).is_empty()))
        .await,
        "{:?}",
        watcher.messages()
    );
    assert_eq!(
        watcher.messages_on(&topics[0]),
        vec![b"first, before the reload".to_vec()]
    );
    assert_eq!(
        watcher.messages_on(&topics[1]),
        vec![b"second, before the reload".to_vec()]
    );
    assert!(
        wait_until(3000, || saved_outboxes() == 0).await,
        "acknowledged: nothing kept"
    );
    watcher.client.disconnect();
}

#[wasm_bindgen_test]
async fn an_outbox_kept_by_the_previous_release_is_sent_after_the_update() {
    let topic = unique("legacy");
    let client_id = unique("page");
    {
        let (root, _feeds, app) = mount_with_store(StartupOptions::default());
        connect_restartable(&root, &client_id, false).await;
        drop(app);
        root.remove();
    }
    // What the release before stable storage ids wrote: the key names the service as its
    // `Debug` text, the record is version 1 with the payload in hex.
    let key = feedboard::storage_key::storage_key("outbox", &["Generic", restart_url(), ""]);
    let hex: String = b"kept by the old release"
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let record = format!(
        r#"{{"v":1,"publishes":[{{"topic":"{topic}","payload":"{hex}","qos":1,"retain":false}}]}}"#
    );
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("storage")
        .set_item(&key, &record)
        .expect("stored");
    let watcher = persistent_observer(&topic).await;
    let (root, _feeds, _app) = remount_with_store(StartupOptions::default());
    assert!(
        wait_until(5000, || text_of(&root, "#connection-status") == "Connected").await,
        "the saved connection opens as before: {}",
        text_of(&root, "#connection-error")
    );
    assert!(
        wait_until(5000, || !watcher.messages_on(&topic).is_empty()).await,
        "{:?}",
        watcher.messages()
    );
    assert_eq!(
        watcher.messages_on(&topic),
        vec![b"kept by the old release".to_vec()]
    );
    assert!(
        wait_until(3000, || saved_outboxes() == 0).await,
        "acknowledged: nothing kept under either key"
    );
    watcher.client.disconnect();
}
