//! Demo sensors, so the app shows live data without any account: plain `demo/#` topics on the
//! broker, an Adafruit IO account (`demo-maker`) whose garden group updates every 10 s, and a
//! ThingSpeak channel (1000) updated every 15 s. The service data goes through the same rules
//! a real device's publishes do.

use crate::adafruit::AdafruitService;
use crate::proxy::epoch_millis;
use crate::rules::{Client, ServicePublish};
use crate::service_client::ServiceClient;
use crate::thingspeak::ThingSpeakService;
use feedboard::mqtt::QoS;
use feedboard::time::Instant;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// The Adafruit IO user the demo publishes as.
pub const DEMO_USER: &str = "demo-maker";
/// The ThingSpeak channel the demo updates.
pub const DEMO_CHANNEL: u64 = 1000;

/// What the demo publishes into.
pub struct Demo {
    /// Plain broker publishes.
    pub publisher: ServiceClient,
    /// The Adafruit IO rules, if that listener runs.
    pub adafruit: Option<Arc<Mutex<AdafruitService>>>,
    /// The ThingSpeak rules, if that listener runs.
    pub thingspeak: Option<Arc<Mutex<ThingSpeakService>>>,
    /// The simulator's clock origin.
    pub started: std::time::Instant,
}

/// The garden's temperature at `epoch_s`: a daily curve (coolest before dawn) with a slower
/// wobble, so the history the simulator starts with and the live values join up.
pub fn garden_temperature(epoch_s: f64) -> f64 {
    let day = std::f64::consts::TAU * (epoch_s / 86_400.0 - 0.375);
    16.0 + 6.0 * day.sin() + 1.2 * (epoch_s / 1_700.0).sin() + 0.3 * (epoch_s / 130.0).sin()
}

/// The garden's humidity at `epoch_s`: highest when it is coolest.
pub fn garden_humidity(epoch_s: f64) -> f64 {
    let day = std::f64::consts::TAU * (epoch_s / 86_400.0 - 0.375);
    62.0 - 14.0 * day.sin() + 3.0 * (epoch_s / 2_300.0).cos()
}

/// A small deterministic noise source (no randomness crate needed for demo wiggle).
struct Noise(u64);

impl Noise {
    /// A value in -0.5 … 0.5.
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    }
}

impl Demo {
    /// Publishes forever, once a second.
    pub fn run(self) {
        let mut noise = Noise(epoch_millis());
        let device = Client {
            client_id: "demo-device".into(),
            username: DEMO_USER.into(),
        };
        let publish = |topic: &str, payload: String| {
            self.publisher.publish(ServicePublish::new(topic, payload))
        };
        // Slow-changing topics are retained, so a page that connects later still sees them.
        let keep = |topic: &str, payload: &str| {
            self.publisher
                .publish(ServicePublish::new(topic, payload).retained())
        };
        keep("demo/status", "online");
        for second in 0u64.. {
            let t = second as f64;
            let temperature = 21.0 + 3.0 * (t / 30.0).sin() + noise.next();
            let humidity = 55.0 + 10.0 * (t / 45.0).cos() + 2.0 * noise.next();
            let pressure = 1013.0 + 4.0 * (t / 90.0).sin();
            let light = 400.0 + 300.0 * (t / 20.0).sin().max(0.0) + 20.0 * noise.next();
            publish("demo/temperature", format!("{temperature:.2}"));
            publish("demo/humidity", format!("{humidity:.1}"));
            publish("demo/pressure", format!("{pressure:.1}"));
            publish("demo/light", format!("{light:.0}"));
            publish("demo/counter", second.to_string());
            publish(
                "demo/json",
                format!(r#"{{"value":{temperature:.2},"lat":52.3702,"lon":4.8952}}"#),
            );
            // A battery-powered sensor that reports every 5 s for two minutes of every five,
            // then sleeps: the page marks it silent about a minute into each sleep.
            if second % 300 < 120 && second % 5 == 0 {
                let volts = 3.7 - (second % 300) as f64 / 1200.0;
                publish("demo/shed/battery", format!("{volts:.2}"));
            }
            if second % 10 == 0 {
                keep(
                    "demo/door",
                    if second / 10 % 2 == 0 {
                        "closed"
                    } else {
                        "open"
                    },
                );
            }
            let now = Instant::from_millis(
                u64::try_from(self.started.elapsed().as_millis()).unwrap_or(0),
            );
            let epoch_s = epoch_millis() as f64 / 1000.0;
            let (garden_t, garden_h) = (garden_temperature(epoch_s), garden_humidity(epoch_s));
            if let (Some(io), 0) = (&self.adafruit, second % 10) {
                let payload = format!(
                    r#"{{"feeds":{{"temperature":"{garden_t:.2}","humidity":"{garden_h:.1}"}},"location":{{"lat":52.3702,"lon":4.8952,"ele":2}}}}"#
                );
                let topic = format!("{DEMO_USER}/groups/garden");
                let outcome =
                    lock(io).on_publish(now, &device, &topic, payload.as_bytes(), QoS::AtMostOnce);
                outcome
                    .publishes
                    .into_iter()
                    .for_each(|p| self.publisher.publish(p));
            }
            if let (Some(ts), 0) = (&self.thingspeak, second % 15) {
                let payload = format!("field1={garden_t:.2}&field2={garden_h:.1}&status=demo");
                let topic = format!("channels/{DEMO_CHANNEL}/publish");
                let outcome = lock(ts).on_publish(
                    now,
                    epoch_millis(),
                    &topic,
                    payload.as_bytes(),
                    QoS::AtMostOnce,
                );
                outcome
                    .publishes
                    .into_iter()
                    .for_each(|p| self.publisher.publish(p));
            }
            thread::sleep(Duration::from_secs(1));
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
