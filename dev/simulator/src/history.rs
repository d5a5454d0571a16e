//! History the simulator starts with, so charts open full: the demo's garden group and channel
//! over the last hours, and feeds or channels named on the command line (a value a minute, on
//! a daily curve).

use crate::adafruit::AdafruitService;
use crate::demo::{garden_humidity, garden_temperature, DEMO_CHANNEL, DEMO_USER};
use crate::thingspeak::ThingSpeakService;
use feedboard::service::value::{Datum, Value};

const MINUTE_MS: u64 = 60_000;

/// The minutes of the last `hours` up to `now_ms`, oldest first, on whole minutes.
fn minutes(hours: u64, now_ms: u64) -> impl Iterator<Item = u64> {
    let start = now_ms.saturating_sub(hours * 3_600_000) / MINUTE_MS * MINUTE_MS;
    (start..now_ms).step_by(MINUTE_MS as usize)
}

fn rounded(value: f64, places: i32) -> Value {
    let scale = 10f64.powi(places);
    Value::Number((value * scale).round() / scale)
}

/// `user`'s feed `key`: a value a minute over the last `hours`, following the garden's
/// temperature curve.
pub fn seed_feed(io: &mut AdafruitService, user: &str, key: &str, hours: u64, now_ms: u64) {
    for ms in minutes(hours, now_ms) {
        let value = rounded(garden_temperature(ms as f64 / 1000.0), 2);
        io.store_at(user, key, ms, Datum::plain(value));
    }
}

/// The demo garden group's two feeds over the last `hours`.
pub fn seed_demo_garden(io: &mut AdafruitService, hours: u64, now_ms: u64) {
    for ms in minutes(hours, now_ms) {
        let t = ms as f64 / 1000.0;
        let temperature = Datum::plain(rounded(garden_temperature(t), 2));
        io.store_at(DEMO_USER, "garden.temperature", ms, temperature);
        let humidity = Datum::plain(rounded(garden_humidity(t), 1));
        io.store_at(DEMO_USER, "garden.humidity", ms, humidity);
    }
}

/// `channel`: an entry a minute over the last `hours`, fields 1 and 2.
pub fn seed_channel(ts: &mut ThingSpeakService, channel: u64, hours: u64, now_ms: u64) {
    for ms in minutes(hours, now_ms) {
        let t = ms as f64 / 1000.0;
        let mut fields: [Option<String>; 8] = Default::default();
        fields[0] = Some(format!("{:.2}", garden_temperature(t)));
        fields[1] = Some(format!("{:.1}", garden_humidity(t)));
        ts.store_at(channel, ms, fields);
    }
}

/// The demo channel over the last `hours`.
pub fn seed_demo_channel(ts: &mut ThingSpeakService, hours: u64, now_ms: u64) {
    seed_channel(ts, DEMO_CHANNEL, hours, now_ms);
}
