//! Helpers for browser tests: the local broker's address, waiting, a recording client.
#![allow(dead_code)]

use crate::session_client::MqttClient;
use feedboard::mqtt::{Event, SessionConfig};
use gloo_timers::future::TimeoutFuture;
use leptos::web_sys;
use std::cell::RefCell;
use std::rc::Rc;

/// The local mosquitto's WebSocket URL, baked in by dev/test. Missing means the tests were not
/// started by dev/test: fail loudly rather than pass without a broker.
pub fn broker_url() -> &'static str {
    match option_env!("FEEDBOARD_TEST_BROKER_WS") {
        Some(url) => url,
        None => {
            panic!("FEEDBOARD_TEST_BROKER_WS is not set: run the browser tests through dev/test")
        }
    }
}

/// The service simulator's Adafruit IO listener (WebSocket URL), baked in by dev/test.
pub fn adafruit_url() -> &'static str {
    match option_env!("FEEDBOARD_TEST_ADAFRUIT_WS") {
        Some(url) => url,
        None => {
            panic!("FEEDBOARD_TEST_ADAFRUIT_WS is not set: run the browser tests through dev/test")
        }
    }
}

/// The second Adafruit IO simulator, whose data-rate window is 10 s (dev/test).
pub fn adafruit_fast_url() -> &'static str {
    match option_env!("FEEDBOARD_TEST_ADAFRUIT_FAST_WS") {
        Some(url) => url,
        None => panic!(
            "FEEDBOARD_TEST_ADAFRUIT_FAST_WS is not set: run the browser tests through dev/test"
        ),
    }
}

/// The mosquitto tests can stop and start (persistent sessions kept on disk), dev/test.
pub fn restart_url() -> &'static str {
    match option_env!("FEEDBOARD_TEST_RESTART_WS") {
        Some(url) => url,
        None => {
            panic!("FEEDBOARD_TEST_RESTART_WS is not set: run the browser tests through dev/test")
        }
    }
}

/// Stops (`"stop"`) or starts (`"start"`) the restartable mosquitto and waits for the answer.
pub async fn broker_control(action: &str) {
    let base = match option_env!("FEEDBOARD_TEST_RESTART_CONTROL") {
        Some(url) => url,
        None => panic!(
            "FEEDBOARD_TEST_RESTART_CONTROL is not set: run the browser tests through dev/test"
        ),
    };
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let window = web_sys::window().expect("window");
    let response = wasm_bindgen_futures::JsFuture::from(
        window.fetch_with_str_and_init(&format!("{base}/{action}"), &init),
    )
    .await
    .expect("broker-control answers");
    let response: web_sys::Response = leptos::wasm_bindgen::JsCast::unchecked_into(response);
    assert!(response.ok(), "broker-control could not {action} mosquitto");
}

/// The service simulator's ThingSpeak listener, baked in by dev/test.
pub fn thingspeak_url() -> &'static str {
    match option_env!("FEEDBOARD_TEST_THINGSPEAK_WS") {
        Some(url) => url,
        None => panic!(
            "FEEDBOARD_TEST_THINGSPEAK_WS is not set: run the browser tests through dev/test"
        ),
    }
}

/// Polls `condition` every 20 ms for up to `millis`; returns whether it became true.
pub async fn wait_until(millis: u32, mut condition: impl FnMut() -> bool) -> bool {
    let mut waited = 0;
    while waited < millis {
        if condition() {
            return true;
        }
        TimeoutFuture::new(20).await;
        waited += 20;
    }
    condition()
}

/// A unique suffix so parallel or repeated runs never see each other's topics.
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{:08x}",
        (js_sys::Math::random() * f64::from(u32::MAX)) as u32
    )
}

/// A client that records every event it gets.
pub struct RecordingClient {
    pub client: MqttClient,
    pub events: Rc<RefCell<Vec<Event>>>,
}

impl RecordingClient {
    pub fn new(url: &str) -> Self {
        Self::with_config(
            url,
            SessionConfig {
                client_id: unique("feedboard-test"),
                ..SessionConfig::default()
            },
        )
    }

    pub fn with_config(url: &str, config: SessionConfig) -> Self {
        let events: Rc<RefCell<Vec<Event>>> = Rc::default();
        let sink = events.clone();
        let client = MqttClient::new(url, config, move |event| sink.borrow_mut().push(event));
        Self { client, events }
    }

    /// A client that logs in as `username` (the simulator keeps accounts by user name).
    pub fn as_user(url: &str, username: &str) -> Self {
        Self::with_config(
            url,
            SessionConfig {
                client_id: unique("io-test"),
                username: Some(username.to_owned()),
                password: Some("not-a-real-key".to_owned()),
                ..SessionConfig::default()
            },
        )
    }

    /// Publishes at QoS 1 and waits for the broker's PUBACK.
    pub async fn publish_confirmed(&self, topic: &str, payload: &[u8]) {
        let delivered = |client: &Self| client.count(|e| matches!(e, Event::Delivered { .. }));
        let before = delivered(self);
        self.client
            .publish(topic, payload, feedboard::mqtt::QoS::AtLeastOnce, false)
            .expect("valid publish");
        let acked = wait_until(3000, || delivered(self) > before).await;
        assert!(acked, "no PUBACK for the publish to {topic}");
    }

    /// Every message received, in order, as (topic, payload).
    pub fn messages(&self) -> Vec<(String, Vec<u8>)> {
        self.events
            .borrow()
            .iter()
            .filter_map(|event| match event {
                Event::Message(m) => Some((m.topic.clone(), m.payload.clone())),
                _ => None,
            })
            .collect()
    }

    /// Subscribes and waits for the SUBACK.
    pub async fn subscribe(&self, filter: &str) {
        let before = self.count(|e| matches!(e, Event::Subscribed { .. }));
        self.client
            .subscribe(filter, feedboard::mqtt::QoS::AtMostOnce)
            .expect("valid filter");
        let acked = wait_until(3000, || {
            self.count(|e| matches!(e, Event::Subscribed { .. })) > before
        })
        .await;
        assert!(acked, "no SUBACK for {filter}");
    }

    pub fn count(&self, predicate: impl Fn(&Event) -> bool) -> usize {
        self.events.borrow().iter().filter(|e| predicate(e)).count()
    }

    pub fn messages_on(&self, topic: &str) -> Vec<Vec<u8>> {
        self.events
            .borrow()
            .iter()
            .filter_map(|event| match event {
                Event::Message(m) if m.topic == topic => Some(m.payload.clone()),
                _ => None,
            })
            .collect()
    }

    pub async fn connect(&self) {
        self.client.connect();
        let connected = wait_until(5000, || {
            self.count(|e| matches!(e, Event::Connected { .. })) > 0
        })
        .await;
        assert!(
            connected,
            "no CONNACK from {}: {:?}",
            broker_url(),
            self.events.borrow()
        );
    }
}

/// The 100 KB fixture dev/test publishes with mosquitto_pub: `yes feedboard-100k | head -c 102400`.
pub fn cli_big_fixture() -> Vec<u8> {
    b"feedboard-100k\n"
        .iter()
        .copied()
        .cycle()
        .take(102_400)
        .collect()
}

/// The non-UTF-8 fixture dev/test publishes: every byte value 0 to 255 once.
pub fn cli_binary_fixture() -> Vec<u8> {
    (0..=255u8).collect()
}
