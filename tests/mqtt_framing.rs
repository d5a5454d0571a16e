//! Framing and malformed input: every broken packet closes the connection with a protocol
//! error and never panics.

mod support;

use feedboard::mqtt::framing::{decode_frame, FrameReader};
use feedboard::mqtt::{ConnectionState, DisconnectReason, Event, ProtocolError, SessionConfig};
use mqttrs::QosPid;
use support::*;

#[test]
fn a_publish_split_into_single_bytes_arrives_once_and_intact() {
    let mut session = connected_session(SessionConfig::default());
    let payload: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let bytes = publish_bytes("a/b", &payload, QosPid::AtMostOnce);
    for byte in &bytes {
        assert!(
            events(&mut session).is_empty(),
            "no event before the last byte"
        );
        session.handle_bytes(at(1), std::slice::from_ref(byte));
    }
    match events(&mut session).as_slice() {
        [Event::Message(message)] => {
            assert_eq!(message.topic, "a/b");
            assert_eq!(message.payload, payload);
        }
        other => panic!("expected one message, got {other:?}"),
    }
}

#[test]
fn several_packets_in_one_chunk_all_arrive_in_order() {
    let mut session = feedboard::mqtt::Session::new(SessionConfig::default());
    session.handle_transport_open(at(0));
    let mut chunk = connack(0);
    for n in 0..3 {
        chunk.extend(publish_bytes(
            "t",
            format!("{n}").as_bytes(),
            QosPid::AtMostOnce,
        ));
    }
    // Half of a fourth packet rides along and completes in the next chunk.
    let fourth = publish_bytes("t", b"3", QosPid::AtMostOnce);
    chunk.extend(&fourth[..3]);
    session.handle_bytes(at(0), &chunk);
    session.handle_bytes(at(0), &fourth[3..]);
    let payloads: Vec<Vec<u8>> = events(&mut session)
        .into_iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some(m.payload),
            _ => None,
        })
        .collect();
    assert_eq!(
        payloads,
        vec![b"0".to_vec(), b"1".to_vec(), b"2".to_vec(), b"3".to_vec()]
    );
    assert_eq!(session.state(), ConnectionState::Connected);
}

#[test]
fn frame_reader_hands_out_frames_and_compacts_its_buffer() {
    let mut reader = FrameReader::new(1024);
    let ping = [0xd0, 0x00];
    for _ in 0..1000 {
        reader.push(&ping);
        assert_eq!(reader.next_frame(), Ok(Some(&ping[..])));
        assert_eq!(reader.next_frame(), Ok(None));
    }
    assert_eq!(reader.pending_len(), 0);
}

/// Feeds `bytes` to a connected session and returns the protocol error it closed with.
fn protocol_error_for(bytes: &[u8]) -> ProtocolError {
    let mut session = connected_session(SessionConfig {
        max_incoming_packet: 64 * 1024,
        ..SessionConfig::default()
    });
    session.handle_bytes(at(1), bytes);
    assert_eq!(session.state(), ConnectionState::Disconnected);
    match disconnect_reason(&mut session) {
        DisconnectReason::Protocol(error) => error,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[test]
fn malformed_packets_of_every_kind_close_the_connection_with_a_reason() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("PUBACK with remaining length 0", vec![0x40, 0x00]),
        ("PUBACK with 1 byte", vec![0x40, 0x01, 0x00]),
        ("PUBACK with 3 bytes", vec![0x40, 0x03, 0x00, 0x01, 0x00]),
        ("PUBREC empty", vec![0x50, 0x00]),
        ("PUBREL empty", vec![0x62, 0x00]),
        ("PUBCOMP empty", vec![0x70, 0x00]),
        ("UNSUBACK empty", vec![0xb0, 0x00]),
        ("PUBACK with packet id 0", vec![0x40, 0x02, 0x00, 0x00]),
        (
            "PUBLISH topic length exceeds packet",
            vec![0x30, 0x04, 0x00, 0x09, b'a', b'b'],
        ),
        (
            "PUBLISH with only half a topic length",
            vec![0x30, 0x01, 0x00],
        ),
        (
            "PUBLISH QoS 1 without packet id",
            vec![0x32, 0x03, 0x00, 0x01, b'a'],
        ),
        (
            "PUBLISH QoS 3",
            vec![0x36, 0x05, 0x00, 0x01, b'a', 0x00, 0x01],
        ),
        (
            "PUBLISH QoS 0 marked duplicate",
            vec![0x38, 0x03, 0x00, 0x01, b'a'],
        ),
        (
            "PUBLISH topic not UTF-8",
            vec![0x30, 0x04, 0x00, 0x02, 0xff, 0xfe],
        ),
        ("SUBACK without return codes", vec![0x90, 0x02, 0x00, 0x01]),
        (
            "SUBACK with return code 3",
            vec![0x90, 0x03, 0x00, 0x01, 0x03],
        ),
        ("SUBACK empty", vec![0x90, 0x00]),
        ("CONNACK twice", connack(0)),
        ("CONNACK too long", vec![0x20, 0x03, 0x00, 0x00, 0x00]),
        ("CONNACK with reserved flags", vec![0x20, 0x02, 0x02, 0x00]),
        ("PINGRESP with a body", vec![0xd0, 0x01, 0x00]),
        ("PINGRESP with flags", vec![0xd1, 0x00]),
        ("reserved type 0", vec![0x00, 0x00]),
        ("reserved type 15", vec![0xf0, 0x00]),
        (
            "five-byte remaining length",
            vec![0x30, 0xff, 0xff, 0xff, 0xff, 0x01],
        ),
        ("packet over the size limit", vec![0x30, 0x80, 0x80, 0x10]),
        (
            "SUBSCRIBE sent to a client",
            vec![0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x00],
        ),
        ("PINGREQ sent to a client", vec![0xc0, 0x00]),
        ("DISCONNECT sent to a client", vec![0xe0, 0x00]),
    ];
    for (name, bytes) in cases {
        let error = protocol_error_for(&bytes);
        assert!(!error.to_string().is_empty(), "{name}: error has a message");
    }
}

#[test]
fn specific_malformations_are_named_in_the_error() {
    assert_eq!(
        protocol_error_for(&[0x40, 0x00]),
        ProtocolError::Malformed {
            packet: "PUBACK",
            problem: "it is too short for a packet identifier"
        }
    );
    assert_eq!(
        protocol_error_for(&[0x30, 0x80, 0x80, 0x10]),
        ProtocolError::PacketTooLarge {
            size: 262_148,
            limit: 64 * 1024
        }
    );
    assert_eq!(
        protocol_error_for(&[0xf0, 0x00]),
        ProtocolError::ReservedPacketType(15)
    );
    assert!(matches!(
        protocol_error_for(&connack(0)),
        ProtocolError::Unexpected {
            packet: "CONNACK",
            ..
        }
    ));
}

#[test]
fn a_packet_before_connack_is_a_protocol_error() {
    let mut session = feedboard::mqtt::Session::new(SessionConfig::default());
    session.handle_transport_open(at(0));
    session.handle_bytes(at(0), &publish_bytes("t", b"x", QosPid::AtMostOnce));
    assert!(matches!(
        disconnect_reason(&mut session),
        DisconnectReason::Protocol(ProtocolError::Unexpected {
            packet: "PUBLISH",
            ..
        })
    ));
}

#[test]
fn a_text_websocket_message_is_reported_as_not_mqtt() {
    let mut session = connected_session(SessionConfig::default());
    session.handle_text_message(at(1));
    assert_eq!(
        disconnect_reason(&mut session),
        DisconnectReason::Protocol(ProtocolError::TextFrame)
    );
}

#[test]
fn decoding_never_panics_on_truncations_of_valid_packets() {
    let valid: Vec<Vec<u8>> = vec![
        publish_bytes("user/feeds/temp", b"21.5", QosPid::AtLeastOnce(pid(7))),
        connack(0),
        vec![0x90, 0x04, 0x00, 0x01, 0x00, 0x80],
        vec![0x40, 0x02, 0x00, 0x05],
    ];
    for packet in valid {
        for cut in 0..packet.len() {
            let mut truncated = packet[..cut].to_vec();
            // Make the length field claim exactly what is left, so the frame is "whole".
            if truncated.len() >= 2 {
                truncated[1] = u8::try_from(truncated.len() - 2).unwrap_or(0);
            }
            let _ = decode_frame(&truncated);
        }
    }
}
