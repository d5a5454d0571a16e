//! The browser transport against a real mosquitto over WebSocket, in headless Chromium.
#![cfg(target_arch = "wasm32")]

#[path = "support/browser.rs"]
mod browser;
#[path = "support/session_client.rs"]
mod session_client;

use browser::*;
use feedboard::mqtt::{DisconnectReason, Event, QoS, SubscriptionStatus};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn connects_and_receives_its_own_publishes_intact_including_100_kb_and_binary() {
    let probe = RecordingClient::new(broker_url());
    probe.connect().await;
    let base = unique("feedboard-test/echo");
    probe
        .client
        .subscribe(&format!("{base}/#"), QoS::AtLeastOnce)
        .unwrap();
    assert!(
        wait_until(3000, || probe.count(|e| matches!(
            e,
            Event::Subscribed {
                status: SubscriptionStatus::Granted(QoS::AtLeastOnce),
                ..
            }
        )) == 1)
        .await,
        "SUBACK granting QoS 1: {:?}",
        probe.events.borrow()
    );

    let big: Vec<u8> = (0..100 * 1024).map(|i| (i * 31 % 256) as u8).collect();
    let binary: Vec<u8> = vec![0xff, 0x00, 0xfe, 0x80, 0xc3, 0x28];
    probe
        .client
        .publish(&format!("{base}/text"), b"21.5", QoS::AtMostOnce, false)
        .unwrap();
    let big_id = probe
        .client
        .publish(&format!("{base}/big"), &big, QoS::AtLeastOnce, false)
        .unwrap()
        .expect("QoS 1 publish has a packet id");
    probe
        .client
        .publish(&format!("{base}/binary"), &binary, QoS::AtMostOnce, false)
        .unwrap();

    let all_arrived = wait_until(5000, || {
        probe.count(|e| matches!(e, Event::Message(_))) >= 3
    })
    .await;
    assert!(
        all_arrived,
        "echoes: {:?}",
        probe.count(|e| matches!(e, Event::Message(_)))
    );
    assert_eq!(
        probe.messages_on(&format!("{base}/text")),
        vec![b"21.5".to_vec()]
    );
    assert_eq!(probe.messages_on(&format!("{base}/big")), vec![big]);
    assert_eq!(probe.messages_on(&format!("{base}/binary")), vec![binary]);
    assert!(
        wait_until(5000, || probe
            .count(|e| *e == Event::Delivered { packet_id: big_id })
            == 1)
        .await,
        "PUBACK for the QoS 1 publish"
    );
    probe.client.disconnect();
}

#[wasm_bindgen_test]
async fn receives_what_mosquitto_pub_published_byte_for_byte() {
    let probe = RecordingClient::new(broker_url());
    probe.connect().await;
    probe
        .client
        .subscribe("feedboard-test/cli/#", QoS::AtMostOnce)
        .unwrap();
    let got_fixtures = wait_until(5000, || {
        !probe.messages_on("feedboard-test/cli/big").is_empty()
            && !probe.messages_on("feedboard-test/cli/binary").is_empty()
            && !probe.messages_on("feedboard-test/cli/live").is_empty()
    })
    .await;
    assert!(
        got_fixtures,
        "fixtures from mosquitto_pub: {:?}",
        probe.events.borrow().len()
    );
    assert_eq!(
        probe.messages_on("feedboard-test/cli/big")[0],
        cli_big_fixture()
    );
    assert_eq!(
        probe.messages_on("feedboard-test/cli/binary")[0],
        cli_binary_fixture()
    );
    let live = String::from_utf8(probe.messages_on("feedboard-test/cli/live")[0].clone())
        .expect("the ticker sends text");
    assert!(live.starts_with("tick "), "{live}");
    probe.client.disconnect();
}

#[wasm_bindgen_test]
async fn publishes_a_retained_message_for_mosquitto_sub_to_check() {
    // dev/test reads this back with mosquitto_sub after the browser tests.
    let probe = RecordingClient::new(broker_url());
    probe.connect().await;
    probe
        .client
        .subscribe("feedboard-test/from-browser", QoS::AtLeastOnce)
        .unwrap();
    probe
        .client
        .publish(
            "feedboard-test/from-browser",
            "héllo from the browser".as_bytes(),
            QoS::AtLeastOnce,
            true,
        )
        .unwrap();
    assert!(
        wait_until(3000, || probe
            .count(|e| matches!(e, Event::Delivered { .. }))
            == 1)
        .await,
        "the broker acknowledged the retained publish"
    );
    probe.client.disconnect();
}

#[wasm_bindgen_test]
async fn unsubscribing_stops_delivery() {
    let probe = RecordingClient::new(broker_url());
    probe.connect().await;
    let topic = unique("feedboard-test/unsub");
    probe.client.subscribe(&topic, QoS::AtMostOnce).unwrap();
    assert!(
        wait_until(3000, || probe
            .count(|e| matches!(e, Event::Subscribed { .. }))
            == 1)
        .await
    );
    probe.client.unsubscribe(&topic).unwrap();
    assert!(
        wait_until(3000, || probe
            .count(|e| matches!(e, Event::Unsubscribed { .. }))
            == 1)
        .await
    );
    probe
        .client
        .publish(&topic, b"after", QoS::AtLeastOnce, false)
        .unwrap();
    // The PUBACK proves the broker handled the publish; nothing may come back to us.
    assert!(
        wait_until(3000, || probe
            .count(|e| matches!(e, Event::Delivered { .. }))
            == 1)
        .await
    );
    assert!(probe.messages_on(&topic).is_empty());
    probe.client.disconnect();
}

#[wasm_bindgen_test]
async fn a_port_with_no_broker_reports_that_it_could_not_connect() {
    let probe = RecordingClient::new("ws://127.0.0.1:9/mqtt");
    probe.client.connect();
    let failed = wait_until(5000, || {
        probe.count(|e| matches!(e, Event::Disconnected(_))) == 1
    })
    .await;
    assert!(failed, "{:?}", probe.events.borrow());
    let first = probe.events.borrow()[0].clone();
    match first {
        Event::Disconnected(DisconnectReason::TransportClosed(text)) => {
            assert!(
                text.contains("could not connect to ws://127.0.0.1:9/mqtt"),
                "{text}"
            );
        }
        other => panic!("expected a transport failure, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn an_invalid_url_is_reported_instead_of_throwing() {
    let probe = RecordingClient::new("ws://[::1/mqtt");
    probe.client.connect();
    let events = probe.events.borrow().clone();
    match events.as_slice() {
        [Event::Disconnected(DisconnectReason::TransportClosed(text))] => {
            assert!(text.contains("could not open the connection"), "{text}");
        }
        other => panic!("expected one failure event, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_connection_the_broker_drops_comes_back_by_itself_and_resubscribes() {
    use feedboard::mqtt::reconnect::ReconnectPolicy;
    use feedboard::mqtt::SessionConfig;
    use std::time::Duration;

    let client_id = unique("feedboard-takeover");
    let topic = unique("feedboard-test/reconnect");
    let quick = ReconnectPolicy {
        first_delay: Duration::from_millis(300),
        max_delay: Duration::from_secs(2),
        jitter: 0.0,
    };
    let page = RecordingClient::with_config(
        broker_url(),
        SessionConfig {
            client_id: client_id.clone(),
            reconnect: Some(quick),
            ..SessionConfig::default()
        },
    );
    page.connect().await;
    page.subscribe(&topic).await;

    // Another client with the same client ID makes mosquitto drop the first connection.
    let intruder = RecordingClient::with_config(
        broker_url(),
        SessionConfig {
            client_id,
            reconnect: None,
            ..SessionConfig::default()
        },
    );
    intruder.client.connect();
    let dropped = wait_until(3000, || {
        page.count(|e| matches!(e, Event::Disconnected(DisconnectReason::TransportClosed(_)))) == 1
    })
    .await;
    assert!(dropped, "{:?}", page.events.borrow());
    assert!(page.count(|e| matches!(e, Event::ReconnectScheduled { attempt: 1, .. })) == 1);

    let back = wait_until(5000, || {
        page.count(|e| matches!(e, Event::Connected { .. })) == 2
            && page.count(|e| matches!(e, Event::Subscribed { .. })) == 2
    })
    .await;
    assert!(
        back,
        "reconnected and resubscribed: {:?}",
        page.events.borrow()
    );

    let sender = RecordingClient::new(broker_url());
    sender.connect().await;
    sender
        .publish_confirmed(&topic, b"after the reconnect")
        .await;
    assert!(
        wait_until(3000, || page.messages_on(&topic)
            == vec![b"after the reconnect".to_vec()])
        .await,
        "{:?}",
        page.messages()
    );
    page.client.disconnect();
    sender.client.disconnect();
}
