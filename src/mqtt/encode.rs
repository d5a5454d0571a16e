//! Encoding outgoing packets with mqttrs into exactly-sized buffers.

use super::error::CommandError;
use super::framing::MAX_REMAINING_LENGTH;
use mqttrs::Packet;

/// Encodes `packet` into a new buffer holding exactly its bytes.
pub fn encode(packet: &Packet<'_>) -> Result<Vec<u8>, CommandError> {
    let body = body_len(packet);
    if body > MAX_REMAINING_LENGTH {
        return Err(CommandError::TooLarge {
            size: body,
            limit: MAX_REMAINING_LENGTH,
        });
    }
    // One type byte plus up to four length bytes.
    let mut buffer = vec![0u8; body + 5];
    match mqttrs::encode_slice(packet, &mut buffer) {
        Ok(len) => {
            buffer.truncate(len);
            Ok(buffer)
        }
        // Only reachable if `body_len` undercounts; report it rather than panic.
        Err(_) => Err(CommandError::TooLarge {
            size: body,
            limit: buffer.len(),
        }),
    }
}

fn body_len(packet: &Packet<'_>) -> usize {
    let string = |s: &str| 2 + s.len();
    match packet {
        Packet::Connect(connect) => {
            let will = connect
                .last_will
                .as_ref()
                .map_or(0, |will| string(will.topic) + 2 + will.message.len());
            // Protocol name and level (7), flags (1), keepalive (2).
            10 + string(connect.client_id)
                + will
                + connect.username.map_or(0, string)
                + connect.password.map_or(0, |p| 2 + p.len())
        }
        Packet::Publish(publish) => {
            let packet_id = match publish.qospid {
                mqttrs::QosPid::AtMostOnce => 0,
                _ => 2,
            };
            string(publish.topic_name) + packet_id + publish.payload.len()
        }
        Packet::Subscribe(subscribe) => {
            2 + subscribe
                .topics
                .iter()
                .map(|t| string(&t.topic_path) + 1)
                .sum::<usize>()
        }
        Packet::Unsubscribe(unsubscribe) => {
            2 + unsubscribe.topics.iter().map(|t| string(t)).sum::<usize>()
        }
        Packet::Suback(suback) => 2 + suback.return_codes.len(),
        Packet::Connack(_)
        | Packet::Puback(_)
        | Packet::Pubrec(_)
        | Packet::Pubrel(_)
        | Packet::Pubcomp(_)
        | Packet::Unsuback(_) => 2,
        Packet::Pingreq | Packet::Pingresp | Packet::Disconnect => 0,
    }
}
