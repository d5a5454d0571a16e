//! Feedboard against the service simulator (Adafruit IO and ThingSpeak behaviour in front of a
//! real mosquitto), in headless Chromium.
#![cfg(target_arch = "wasm32")]

#[path = "support/browser.rs"]
mod browser;
#[path = "support/session_client.rs"]
mod session_client;

use browser::*;
use feedboard::mqtt::QoS;
use feedboard::service::feed_ref::FeedRef;
use feedboard::service::incoming::{interpret, Incoming};
use feedboard::service::thingspeak::ChannelEntry;
use feedboard::service::value::Value;
use feedboard::service::ServiceKind;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Every received message interpreted as Adafruit IO would mean it.
fn interpreted(client: &RecordingClient, filters: &[&str]) -> Vec<Incoming> {
    client
        .messages()
        .iter()
        .map(|(topic, payload)| {
            interpret(
                ServiceKind::AdafruitIo,
                topic,
                payload,
                filters.iter().copied(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn adafruit_get_delivers_the_last_value_to_the_asking_client_only() {
    let user = unique("user");
    let feed = format!("{user}/f/counter");
    let writer = RecordingClient::as_user(adafruit_url(), &user);
    writer.connect().await;
    writer
        .publish_confirmed(&format!("{user}/feeds/counter"), b"42")
        .await;

    let reader = RecordingClient::as_user(adafruit_url(), &user);
    let bystander = RecordingClient::as_user(adafruit_url(), &user);
    reader.connect().await;
    bystander.connect().await;
    reader.subscribe(&feed).await;
    bystander.subscribe(&feed).await;
    reader
        .client
        .publish(&format!("{feed}/get"), b"\0", QoS::AtMostOnce, false)
        .unwrap();
    assert!(
        wait_until(3000, || reader.messages_on(&feed) == vec![b"42".to_vec()]).await,
        "last value via /get: {:?}",
        reader.messages()
    );
    // Give a wrongly broadcast answer time to arrive before checking it did not.
    gloo_timers::future::TimeoutFuture::new(300).await;
    assert!(
        bystander.messages_on(&feed).is_empty(),
        "{:?}",
        bystander.messages()
    );
}

#[wasm_bindgen_test]
async fn a_group_json_publish_arrives_as_separate_feed_updates() {
    let user = unique("user");
    let client = RecordingClient::as_user(adafruit_url(), &user);
    client.connect().await;
    let filter = format!("{user}/f/+");
    client.subscribe(&filter).await;
    client
        .client
        .publish(
            &format!("{user}/groups/garden"),
            br#"{"feeds":{"temp":"21.5","humidity":"40"}}"#,
            QoS::AtMostOnce,
            false,
        )
        .unwrap();
    assert!(
        wait_until(3000, || client.messages().len() >= 2).await,
        "{:?}",
        client.messages()
    );
    let mut updates: Vec<(FeedRef, Value)> = interpreted(&client, &[&filter])
        .into_iter()
        .flat_map(|incoming| match incoming {
            Incoming::Feeds(updates) => updates
                .into_iter()
                .map(|u| (u.feed, u.datum.value))
                .collect::<Vec<_>>(),
            other => panic!("expected feed updates, got {other:?}"),
        })
        .collect();
    updates.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        updates,
        vec![
            (
                FeedRef::Adafruit {
                    owner: user.clone(),
                    key: "garden.humidity".into()
                },
                Value::Number(40.0)
            ),
            (
                FeedRef::Adafruit {
                    owner: user.clone(),
                    key: "garden.temp".into()
                },
                Value::Number(21.5)
            ),
        ]
    );
}

#[wasm_bindgen_test]
async fn a_hash_subscription_receives_three_copies_and_counts_one_update() {
    let user = unique("user");
    let client = RecordingClient::as_user(adafruit_url(), &user);
    client.connect().await;
    let filter = format!("{user}/f/#");
    client.subscribe(&filter).await;
    client
        .client
        .publish(
            &format!("{user}/f/photocell-one"),
            b"22.587",
            QoS::AtMostOnce,
            false,
        )
        .unwrap();
    assert!(
        wait_until(3000, || client.messages().len() >= 3).await,
        "{:?}",
        client.messages()
    );
    let topics: Vec<String> = client.messages().into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        topics,
        vec![
            format!("{user}/f/photocell-one"),
            format!("{user}/f/photocell-one/json"),
            format!("{user}/f/photocell-one/csv"),
        ]
    );
    let meanings = interpreted(&client, &[&filter]);
    let updates = meanings
        .iter()
        .filter(|m| matches!(m, Incoming::Feeds(_)))
        .count();
    let copies = meanings
        .iter()
        .filter(|m| matches!(m, Incoming::FormatCopy))
        .count();
    assert_eq!((updates, copies), (1, 2));
}

#[wasm_bindgen_test]
async fn publishing_faster_than_the_plan_brings_a_throttle_message() {
    let user = unique("user");
    let client = RecordingClient::as_user(adafruit_url(), &user);
    client.connect().await;
    let throttle = format!("{user}/throttle");
    client.subscribe(&throttle).await;
    // The simulator runs the free plan: 30 data points a minute.
    for n in 0..31 {
        client
            .client
            .publish(
                &format!("{user}/f/burst"),
                n.to_string().as_bytes(),
                QoS::AtMostOnce,
                false,
            )
            .unwrap();
    }
    assert!(
        wait_until(5000, || !client.messages_on(&throttle).is_empty()).await,
        "{:?}",
        client.messages()
    );
    let notice = interpreted(&client, &[&throttle])
        .into_iter()
        .find_map(|m| match m {
            Incoming::Throttle(text) => Some(text),
            _ => None,
        })
        .expect("a throttle notice");
    assert!(
        notice.starts_with(&format!("{user} data rate limit reached, ")),
        "{notice}"
    );
    assert!(
        notice.ends_with(" seconds until throttle released"),
        "{notice}"
    );
}

#[wasm_bindgen_test]
async fn a_thingspeak_channel_publish_arrives_as_channel_json() {
    let channel = (js_sys::Math::random() * 1e9) as u64 + 1;
    let client = RecordingClient::new(thingspeak_url());
    client.connect().await;
    let subscribe = format!("channels/{channel}/subscribe");
    client.subscribe(&subscribe).await;
    client
        .client
        .publish(
            &format!("channels/{channel}/publish"),
            b"field1=45&field2=60&status=MQTTPUBLISH",
            QoS::AtMostOnce,
            false,
        )
        .unwrap();
    assert!(
        wait_until(3000, || !client.messages_on(&subscribe).is_empty()).await,
        "{:?}",
        client.messages()
    );
    let json = String::from_utf8(client.messages_on(&subscribe)[0].clone()).expect("JSON text");
    let entry = ChannelEntry::decode_json(&json).expect("channel JSON");
    assert_eq!((entry.channel_id, entry.entry_id), (channel, 1));
    assert_eq!(entry.fields[0].as_deref(), Some("45"));
    assert_eq!(entry.fields[1].as_deref(), Some("60"));
    assert_eq!(entry.status.as_deref(), Some("MQTTPUBLISH"));
    // A second update inside the 15 s window is dropped, as ThingSpeak does.
    client
        .client
        .publish(
            &format!("channels/{channel}/publish"),
            b"field1=46",
            QoS::AtMostOnce,
            false,
        )
        .unwrap();
    gloo_timers::future::TimeoutFuture::new(500).await;
    assert_eq!(client.messages_on(&subscribe).len(), 1);
}
