//! Helpers for native session tests: a scripted broker side built on mqttrs.
#![allow(dead_code)]

use feedboard::mqtt::{Event, Session, SessionConfig};
use feedboard::time::Instant;
use mqttrs::{Packet, Pid, QosPid};

pub fn at(secs: u64) -> Instant {
    Instant::from_millis(secs * 1000)
}

pub fn pid(id: u16) -> Pid {
    Pid::try_from(id).expect("test ids are non-zero")
}

/// Encodes a packet the way a broker would send it.
pub fn broker_bytes(packet: &Packet<'_>) -> Vec<u8> {
    let mut buffer = vec![0u8; 300_000];
    let len = mqttrs::encode_slice(packet, &mut buffer).expect("test packet encodes");
    buffer.truncate(len);
    buffer
}

pub fn connack(code: u8) -> Vec<u8> {
    vec![0x20, 0x02, 0x00, code]
}

pub fn publish_bytes(topic: &str, payload: &[u8], qospid: QosPid) -> Vec<u8> {
    broker_bytes(&Packet::Publish(mqttrs::Publish {
        dup: false,
        qospid,
        retain: false,
        topic_name: topic,
        payload,
    }))
}

/// Everything the session wants to send, decoded.
pub fn sent(session: &mut Session) -> Vec<Vec<u8>> {
    std::iter::from_fn(|| session.poll_transmit()).collect()
}

pub fn events(session: &mut Session) -> Vec<Event> {
    std::iter::from_fn(|| session.poll_event()).collect()
}

pub fn decode(bytes: &[u8]) -> Packet<'_> {
    mqttrs::decode_slice(bytes)
        .expect("session output decodes")
        .expect("session output is whole")
}

/// A session that has sent CONNECT and received an accepting CONNACK, with output drained.
pub fn connected_session(config: SessionConfig) -> Session {
    let mut session = Session::new(config);
    session.handle_transport_open(at(0));
    session.handle_bytes(at(0), &connack(0));
    sent(&mut session);
    assert_eq!(
        events(&mut session),
        vec![Event::Connected {
            session_present: false
        }]
    );
    session
}

/// The reason of the single Disconnected event the session emitted (followed by a
/// ReconnectScheduled when the reason is retryable).
pub fn disconnect_reason(session: &mut Session) -> feedboard::mqtt::DisconnectReason {
    let evs = events(session);
    match evs.as_slice() {
        [Event::Disconnected(reason)] => reason.clone(),
        [Event::Disconnected(reason), Event::ReconnectScheduled { .. }] => reason.clone(),
        other => panic!("expected one Disconnected event, got {other:?}"),
    }
}
