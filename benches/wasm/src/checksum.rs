//! The checksum both decoders compute from what they decoded, so that their results can be
//! compared: the same fields of every packet folded the same way (benches/js/checksum.mjs is
//! the JavaScript side, for mqtt-packet).

/// What a decoded packet contributes.
#[derive(Debug, Default, Clone, Copy)]
pub struct PacketFields {
    /// The MQTT packet type, 1–14.
    pub packet_type: u32,
    /// Topic length in bytes (PUBLISH).
    pub topic_len: u32,
    /// Payload length in bytes (PUBLISH).
    pub payload_len: u32,
    /// The payload's first byte, 0 when empty (PUBLISH).
    pub first_byte: u32,
    /// The packet identifier, 0 when it has none.
    pub pid: u32,
    /// QoS (PUBLISH), else 0.
    pub qos: u32,
}

/// Folds one packet into `sum` (32-bit wrapping arithmetic, as JavaScript's Math.imul).
pub fn fold(sum: u32, p: &PacketFields) -> u32 {
    let term = p
        .packet_type
        .wrapping_add(p.topic_len.wrapping_mul(3))
        .wrapping_add(p.payload_len.wrapping_mul(5))
        .wrapping_add(p.first_byte.wrapping_mul(7))
        .wrapping_add(p.pid.wrapping_mul(11))
        .wrapping_add(p.qos.wrapping_mul(13));
    sum.wrapping_mul(31).wrapping_add(term)
}
