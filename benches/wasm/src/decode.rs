//! The page's decoding path: [`FrameReader`] cuts the byte stream into packets, and
//! [`decode_frame`] checks and decodes each one, exactly as the session does with every
//! WebSocket message.

use crate::checksum::{fold, PacketFields};
use feedboard::mqtt::framing::{decode_frame, Frame, FrameReader};
use feedboard::mqtt::SessionConfig;
use mqttrs::{Packet, QosPid};
use wasm_bindgen::prelude::*;

/// What decoding a stream found.
#[wasm_bindgen]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Packets decoded.
    pub packets: u32,
    /// Packets refused (the stream restarts after each, as a new connection would).
    pub errors: u32,
    /// [`fold`] over every decoded packet.
    pub checksum: u32,
}

/// What the checksum takes from a decoded packet.
pub fn fields(frame: &Frame<'_>) -> PacketFields {
    let pid = |pid: mqttrs::Pid| u32::from(pid.get());
    match frame {
        Frame::Connack { .. } => PacketFields {
            packet_type: 2,
            ..PacketFields::default()
        },
        Frame::Packet(packet) => {
            let packet_type = packet_type_number(packet);
            match packet {
                Packet::Publish(publish) => {
                    let (qos, id) = match publish.qospid {
                        QosPid::AtMostOnce => (0, 0),
                        QosPid::AtLeastOnce(p) => (1, pid(p)),
                        QosPid::ExactlyOnce(p) => (2, pid(p)),
                    };
                    PacketFields {
                        packet_type,
                        topic_len: publish.topic_name.len() as u32,
                        payload_len: publish.payload.len() as u32,
                        first_byte: publish.payload.first().copied().map_or(0, u32::from),
                        pid: id,
                        qos,
                    }
                }
                Packet::Puback(p)
                | Packet::Pubrec(p)
                | Packet::Pubrel(p)
                | Packet::Pubcomp(p)
                | Packet::Unsuback(p) => PacketFields {
                    packet_type,
                    pid: pid(*p),
                    ..PacketFields::default()
                },
                Packet::Suback(suback) => PacketFields {
                    packet_type,
                    pid: pid(suback.pid),
                    ..PacketFields::default()
                },
                Packet::Subscribe(subscribe) => PacketFields {
                    packet_type,
                    pid: pid(subscribe.pid),
                    ..PacketFields::default()
                },
                Packet::Unsubscribe(unsubscribe) => PacketFields {
                    packet_type,
                    pid: pid(unsubscribe.pid),
                    ..PacketFields::default()
                },
                _ => PacketFields {
                    packet_type,
                    ..PacketFields::default()
                },
            }
        }
    }
}

fn packet_type_number(packet: &Packet<'_>) -> u32 {
    match packet {
        Packet::Connect(_) => 1,
        Packet::Connack(_) => 2,
        Packet::Publish(_) => 3,
        Packet::Puback(_) => 4,
        Packet::Pubrec(_) => 5,
        Packet::Pubrel(_) => 6,
        Packet::Pubcomp(_) => 7,
        Packet::Subscribe(_) => 8,
        Packet::Suback(_) => 9,
        Packet::Unsubscribe(_) => 10,
        Packet::Unsuback(_) => 11,
        Packet::Pingreq => 12,
        Packet::Pingresp => 13,
        Packet::Disconnect => 14,
    }
}

/// Decodes `bytes` as a stream received in pieces of `chunk` bytes.
#[wasm_bindgen]
pub fn decode_stream(bytes: &[u8], chunk: usize) -> Tally {
    let mut reader = FrameReader::new(SessionConfig::default().max_incoming_packet);
    let mut tally = Tally::default();
    for piece in bytes.chunks(chunk.max(1)) {
        reader.push(piece);
        loop {
            match reader.next_frame() {
                Ok(Some(frame)) => match decode_frame(frame) {
                    Ok(decoded) => {
                        tally.packets += 1;
                        tally.checksum = fold(tally.checksum, &fields(&decoded));
                    }
                    Err(_) => tally.errors += 1,
                },
                Ok(None) => break,
                Err(_) => {
                    tally.errors += 1;
                    reader.clear();
                    break;
                }
            }
        }
    }
    tally
}

/// Decodes one received message on its own: 0 a packet, 1 refused, 2 incomplete.
#[wasm_bindgen]
pub fn decode_one(bytes: &[u8]) -> u8 {
    let mut reader = FrameReader::new(SessionConfig::default().max_incoming_packet);
    reader.push(bytes);
    match reader.next_frame() {
        Ok(Some(frame)) => match decode_frame(frame) {
            Ok(_) => 0,
            Err(_) => 1,
        },
        Ok(None) => 2,
        Err(_) => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_cut_anywhere_decodes_to_the_same_packets_and_checksum() {
        // QoS 0 PUBLISH "a/b" = "21.5", PUBACK 7, PINGRESP, QoS 1 PUBLISH "c" = "" id 9.
        let stream: Vec<u8> = [
            &[0x30, 9, 0, 3, b'a', b'/', b'b', b'2', b'1', b'.', b'5'][..],
            &[0x40, 2, 0, 7],
            &[0xd0, 0],
            &[0x32, 5, 0, 1, b'c', 0, 9],
        ]
        .concat();
        let expected = [
            PacketFields {
                packet_type: 3,
                topic_len: 3,
                payload_len: 4,
                first_byte: u32::from(b'2'),
                pid: 0,
                qos: 0,
            },
            PacketFields {
                packet_type: 4,
                pid: 7,
                ..PacketFields::default()
            },
            PacketFields {
                packet_type: 13,
                ..PacketFields::default()
            },
            PacketFields {
                packet_type: 3,
                topic_len: 1,
                pid: 9,
                qos: 1,
                ..PacketFields::default()
            },
        ]
        .iter()
        .fold(0, fold);
        for chunk in 1..=stream.len() {
            let tally = decode_stream(&stream, chunk);
            assert_eq!(
                (tally.packets, tally.errors, tally.checksum),
                (4, 0, expected),
                "chunk {chunk}"
            );
        }
        assert_eq!(decode_one(&stream[..11]), 0);
        assert_eq!(decode_one(&[0x40, 0]), 1, "a PUBACK without its packet id");
        assert_eq!(decode_one(&[0x30, 9, 0]), 2);
    }
}
