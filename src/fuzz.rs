//! Seeded fuzzing of everything that reads data from outside: broker bytes through framing,
//! packet checks, decoding, the session (also holding resends across reconnects) and the
//! connection core (budgets, notices, the outgoing table across a reconnect), and the
//! texts received messages and other tabs hand the page (service interpretation, notices,
//! budget records, payload views, times). Stable Rust has no cargo-fuzz here, so this is a
//! deterministic generator (random packets, mutated valid packets, random WebSocket splits)
//! run under `catch_unwind`. `examples/fuzz_framing.rs` runs millions of cases; a test runs a
//! slice of them. Test tooling: release builds drop it (nothing in the app calls it).

use crate::budget::ledger::TabRecord;
use crate::budget::notice::Notice;
use crate::feeds::payload_text::{render_payload, PayloadFormat};
use crate::link::{ConnectionSettings, ControlPart, Link, SlotId};
use crate::mqtt::{QoS, Session, SessionConfig};
use crate::service::incoming::interpret;
use crate::service::ServiceKind;
use crate::time::calendar::parse_iso8601;
use crate::time::Instant;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A small deterministic random source (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next_u64() % bound as u64) as usize
        }
    }

    fn byte(&mut self) -> u8 {
        (self.next_u64() >> 56) as u8
    }
}

/// Valid packets a broker sends, to mutate from.
fn seeds() -> Vec<Vec<u8>> {
    vec![
        vec![0x20, 0x02, 0x00, 0x00],
        vec![0x30, 0x07, 0x00, 0x03, b'a', b'/', b'b', b'4', b'2'],
        vec![0x32, 0x08, 0x00, 0x01, b't', 0x00, 0x05, b'h', b'i', b'!'],
        vec![0x34, 0x06, 0x00, 0x01, b't', 0x00, 0x09, b'x'],
        vec![0x40, 0x02, 0x00, 0x01],
        vec![0x50, 0x02, 0x00, 0x02],
        vec![0x62, 0x02, 0x00, 0x09],
        vec![0x70, 0x02, 0x00, 0x02],
        vec![0x90, 0x04, 0x00, 0x01, 0x00, 0x80],
        vec![0xb0, 0x02, 0x00, 0x02],
        vec![0xd0, 0x00],
    ]
}

/// One fuzz case: the byte stream and how it is split into WebSocket messages.
pub fn generate(rng: &mut Rng) -> (Vec<u8>, Vec<usize>) {
    let seeds = seeds();
    let mut stream = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let mut packet = match rng.below(3) {
            // Pure noise.
            0 => (0..rng.below(64)).map(|_| rng.byte()).collect(),
            // A valid packet, mutated.
            1 => {
                let mut packet = seeds[rng.below(seeds.len())].clone();
                for _ in 0..1 + rng.below(4) {
                    if packet.is_empty() {
                        packet.push(rng.byte());
                        continue;
                    }
                    let at = rng.below(packet.len());
                    match rng.below(4) {
                        0 => packet[at] = rng.byte(),
                        1 => packet[at] ^= 1 << rng.below(8),
                        2 => packet.truncate(at),
                        _ => packet.insert(at, rng.byte()),
                    }
                }
                packet
            }
            // A random header with a length field that matches a random body.
            _ => {
                let body: Vec<u8> = (0..rng.below(40)).map(|_| rng.byte()).collect();
                let mut packet = vec![rng.byte(), body.len() as u8];
                packet.extend(body);
                packet
            }
        };
        stream.append(&mut packet);
    }
    let mut splits = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        let step = 1 + rng.below(stream.len() - at);
        splits.push(step);
        at += step;
    }
    (stream, splits)
}

/// Feeds one case to sessions the way the transport would: one connecting, one connected,
/// and one holding resends that loses its connection halfway and comes back. Also reads the
/// bytes as a received message and as the texts other code takes from outside. Returns
/// whether anything panicked.
pub fn run_case(stream: &[u8], splits: &[usize]) -> bool {
    catch_unwind(AssertUnwindSafe(|| {
        for variant in 0..3 {
            run_session(variant, stream, splits);
        }
        run_link(stream, splits);
        run_texts(stream);
    }))
    .is_err()
}

fn run_session(variant: u8, stream: &[u8], splits: &[usize]) {
    let holding = variant == 2;
    let mut session = Session::new(SessionConfig {
        hold_resends: holding,
        ..SessionConfig::default()
    });
    let at = Instant::from_millis;
    session.handle_transport_open(at(0));
    if variant > 0 {
        session.handle_bytes(at(0), &[0x20, 0x02, 0x00, 0x00]);
        let _ = session.subscribe("#", QoS::ExactlyOnce);
        let _ = session.publish(at(0), "t", b"x", QoS::ExactlyOnce, false);
        let _ = session.publish(at(0), "t", b"y", QoS::AtLeastOnce, false);
    }
    let mut offset = 0;
    for (n, step) in splits.iter().enumerate() {
        let end = (offset + step).min(stream.len());
        let now = at(n as u64 * 500);
        session.handle_bytes(now, &stream[offset..end]);
        offset = end;
        if holding && n == splits.len() / 2 {
            // Lose the connection halfway, come back, and release a resend.
            session.handle_transport_closed(now, "fuzz".into());
            session.defer_reconnect(now, now + std::time::Duration::from_secs(1));
            session.handle_transport_open(now);
            session.handle_bytes(now, &[0x20, 0x02, 0x00, 0x00]);
            session.mark_refused("#");
            let _ = session.transmit_held(now);
        }
        while session.poll_event().is_some() {}
        while session.poll_transmit().is_some() {}
    }
    while session.transmit_held(at(600_000)).is_some() {}
    session.handle_timeout(at(1_000_000));
}

/// Feeds one case to a connection core the way the driver would: an Adafruit IO link,
/// connected, with subscriptions and QoS 1 publishes out, receiving the bytes in their splits,
/// losing its connection halfway and reconnecting; then the bytes as a service notice.
fn run_link(stream: &[u8], splits: &[usize]) {
    let settings = ConnectionSettings {
        service: ServiceKind::AdafruitIo,
        url: "wss://io.adafruit.com:443/mqtt".into(),
        username: "maker".into(),
        password: "key".into(),
        ..ConnectionSettings::default()
    };
    let at = Instant::from_millis;
    let mut link = Link::new(settings, 1, None);
    let drain = |link: &mut Link| {
        while link.poll_transmit().is_some() {}
        while link.poll_event().is_some() {}
    };
    link.connect(at(0));
    link.handle_transport_open(at(0));
    link.handle_bytes(at(0), &[0x20, 0x02, 0x00, 0x00]);
    let _ = link.subscribe(at(0), "maker/feeds/#", QoS::AtLeastOnce);
    for n in 0..3u32 {
        let slot = SlotId::control(n, ControlPart::Value);
        let _ = link.publish(at(0), slot, "maker/feeds/x", b"1", QoS::AtLeastOnce, false);
    }
    drain(&mut link);
    let mut offset = 0;
    for (n, step) in splits.iter().enumerate() {
        let end = (offset + step).min(stream.len());
        let now = at(n as u64 * 500);
        link.handle_bytes(now, &stream[offset..end]);
        offset = end;
        if n == splits.len() / 2 {
            link.handle_transport_closed(now, "fuzz".into());
            link.handle_timeout(now + std::time::Duration::from_secs(120));
            link.handle_transport_open(now + std::time::Duration::from_secs(120));
            link.handle_bytes(now, &[0x20, 0x02, 0x00, 0x00]);
        }
        drain(&mut link);
    }
    for topic in ["maker/errors", "maker/throttle"] {
        let mut packet = vec![0x30];
        let body_len = 2 + topic.len() + stream.len().min(100);
        packet.push(body_len as u8);
        packet.extend([0, topic.len() as u8]);
        packet.extend(topic.as_bytes());
        packet.extend(&stream[..stream.len().min(100)]);
        link.handle_bytes(at(900_000), &packet);
        drain(&mut link);
    }
    link.handle_timeout(at(1_000_000));
    let _ = link.poll_timeout();
}

/// The bytes as a received message on every service and as outside texts.
fn run_texts(stream: &[u8]) {
    let split = stream
        .iter()
        .position(|b| *b == 0)
        .unwrap_or(stream.len() / 2);
    let (topic, payload) = stream.split_at(split);
    let topic = String::from_utf8_lossy(topic);
    for service in [
        ServiceKind::AdafruitIo,
        ServiceKind::ThingSpeak,
        ServiceKind::Generic,
    ] {
        let _ = interpret(service, &topic, payload, [topic.as_ref(), "#", "+/+/+"]);
    }
    let text = String::from_utf8_lossy(stream);
    let _ = Notice::parse(&text).to_string();
    let _ = TabRecord::decode(&text);
    let _ = parse_iso8601(&text);
    for (format, _) in PayloadFormat::ALL {
        let _ = render_payload(stream, format, 64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_thousand_fuzz_cases_never_panic() {
        let mut rng = Rng::new(2026);
        for case in 0..50_000 {
            let (stream, splits) = generate(&mut rng);
            assert!(
                !run_case(&stream, &splits),
                "case {case} panicked: {stream:02x?} split {splits:?}"
            );
        }
    }
}
