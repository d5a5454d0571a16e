//! Turning a stream of WebSocket messages into whole, checked MQTT packets.
//!
//! One WebSocket message may hold several packets or part of one. [`FrameReader`] reassembles
//! them; [`check_frame`] then verifies that a frame's body has the shape its packet type
//! requires, because mqttrs 0.4.1 indexes its input without bounds checks and would panic (and a
//! panic kills the whole page) on, say, a PUBACK with no packet id. Only checked frames reach
//! mqttrs, through [`decode_frame`].

use super::error::ProtocolError;

/// The largest remaining length MQTT's four-byte length field can express.
pub const MAX_REMAINING_LENGTH: usize = 268_435_455;

/// Collects received bytes and hands out whole packets, one at a time.
#[derive(Debug)]
pub struct FrameReader {
    buffer: Vec<u8>,
    /// Bytes before `start` have been handed out already; compacted lazily so that a burst of
    /// small packets does not shift the buffer once per packet.
    start: usize,
    max_packet_size: usize,
}

impl FrameReader {
    /// A reader that refuses packets (fixed header included) larger than `max_packet_size`.
    pub fn new(max_packet_size: usize) -> Self {
        Self {
            buffer: Vec::new(),
            start: 0,
            max_packet_size,
        }
    }

    /// Appends received bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start >= self.buffer.len() / 2 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// Bytes received but not yet handed out as a frame.
    pub fn pending_len(&self) -> usize {
        self.buffer.len() - self.start
    }

    /// Forgets everything received, for a new connection.
    pub fn clear(&mut self) {
        self.buffer.clear();
        self.start = 0;
    }

    /// The next whole packet (fixed header included), `Ok(None)` if more bytes are needed.
    /// After an error the stream cannot be resynchronised: the connection must be closed.
    pub fn next_frame(&mut self) -> Result<Option<&[u8]>, ProtocolError> {
        let available = &self.buffer[self.start..];
        let Some(header) = parse_fixed_header(available)? else {
            return Ok(None);
        };
        let total = header.header_len + header.remaining_len;
        if total > self.max_packet_size {
            return Err(ProtocolError::PacketTooLarge {
                size: total,
                limit: self.max_packet_size,
            });
        }
        if available.len() < total {
            return Ok(None);
        }
        let frame_start = self.start;
        self.start += total;
        Ok(self.buffer.get(frame_start..frame_start + total))
    }
}

/// The fixed header of a packet: first byte and decoded remaining length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedHeader {
    /// The first byte: packet type in the high nibble, flags in the low one.
    pub first_byte: u8,
    /// Length of the fixed header itself (2 to 5 bytes).
    pub header_len: usize,
    /// Length of everything after the fixed header.
    pub remaining_len: usize,
}

impl FixedHeader {
    /// The packet type, 0 to 15.
    pub fn packet_type(&self) -> u8 {
        self.first_byte >> 4
    }

    /// The low four bits of the first byte.
    pub fn flags(&self) -> u8 {
        self.first_byte & 0x0f
    }
}

/// Reads a fixed header from the start of `bytes`; `Ok(None)` if it is not complete yet.
pub fn parse_fixed_header(bytes: &[u8]) -> Result<Option<FixedHeader>, ProtocolError> {
    let Some(&first_byte) = bytes.first() else {
        return Ok(None);
    };
    let mut remaining_len = 0usize;
    for position in 0..4 {
        let Some(&byte) = bytes.get(1 + position) else {
            return Ok(None);
        };
        remaining_len |= usize::from(byte & 0x7f) << (7 * position);
        if byte & 0x80 == 0 {
            return Ok(Some(FixedHeader {
                first_byte,
                header_len: 2 + position,
                remaining_len,
            }));
        }
    }
    Err(ProtocolError::MalformedLength)
}

/// The name of an MQTT packet type, for messages.
pub fn packet_name(packet_type: u8) -> &'static str {
    match packet_type {
        1 => "CONNECT",
        2 => "CONNACK",
        3 => "PUBLISH",
        4 => "PUBACK",
        5 => "PUBREC",
        6 => "PUBREL",
        7 => "PUBCOMP",
        8 => "SUBSCRIBE",
        9 => "SUBACK",
        10 => "UNSUBSCRIBE",
        11 => "UNSUBACK",
        12 => "PINGREQ",
        13 => "PINGRESP",
        14 => "DISCONNECT",
        _ => "reserved",
    }
}

/// A walk over a packet body in which every read is bounds-checked.
struct BodyCursor<'a> {
    body: &'a [u8],
    position: usize,
    packet: &'static str,
}

impl<'a> BodyCursor<'a> {
    fn malformed(&self, problem: &'static str) -> ProtocolError {
        ProtocolError::Malformed {
            packet: self.packet,
            problem,
        }
    }

    fn take(&mut self, count: usize, problem: &'static str) -> Result<&'a [u8], ProtocolError> {
        let end = self
            .position
            .checked_add(count)
            .ok_or_else(|| self.malformed(problem))?;
        let bytes = self
            .body
            .get(self.position..end)
            .ok_or_else(|| self.malformed(problem))?;
        self.position = end;
        Ok(bytes)
    }

    fn u8(&mut self, problem: &'static str) -> Result<u8, ProtocolError> {
        self.take(1, problem)
            .map(|b| b.first().copied().unwrap_or(0))
    }

    fn u16(&mut self, problem: &'static str) -> Result<u16, ProtocolError> {
        let bytes = self.take(2, problem)?;
        Ok(bytes.iter().fold(0u16, |acc, &b| (acc << 8) | u16::from(b)))
    }

    fn packet_id(&mut self) -> Result<u16, ProtocolError> {
        match self.u16("it is too short for a packet identifier")? {
            0 => Err(self.malformed("packet identifier 0 is not allowed")),
            id => Ok(id),
        }
    }

    /// A two-byte length followed by that many bytes.
    fn length_prefixed(&mut self, problem: &'static str) -> Result<&'a [u8], ProtocolError> {
        let len = self.u16(problem)?;
        self.take(usize::from(len), problem)
    }

    fn utf8(&mut self, problem: &'static str) -> Result<&'a str, ProtocolError> {
        let bytes = self.length_prefixed(problem)?;
        std::str::from_utf8(bytes).map_err(|_| self.malformed("a string is not valid UTF-8"))
    }

    fn at_end(&self) -> bool {
        self.position >= self.body.len()
    }

    fn expect_end(&self) -> Result<(), ProtocolError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.malformed("it has unexpected bytes at the end"))
        }
    }
}

/// Verifies that `frame` (one whole packet as returned by [`FrameReader::next_frame`]) is
/// structurally sound for its packet type, so that decoding it cannot read out of bounds.
pub fn check_frame(frame: &[u8]) -> Result<FixedHeader, ProtocolError> {
    let header = parse_fixed_header(frame)?.ok_or(ProtocolError::Malformed {
        packet: "unknown",
        problem: "the packet is cut short",
    })?;
    let packet_type = header.packet_type();
    let packet = packet_name(packet_type);
    let body = frame
        .get(header.header_len..)
        .filter(|body| body.len() == header.remaining_len)
        .ok_or(ProtocolError::Malformed {
            packet,
            problem: "its length field does not match its size",
        })?;
    let flags = header.flags();
    let expected_flags = match packet_type {
        0 | 15 => return Err(ProtocolError::ReservedPacketType(packet_type)),
        3 => None,
        6 | 8 | 10 => Some(0b0010),
        _ => Some(0),
    };
    if expected_flags.is_some_and(|expected| expected != flags) {
        return Err(ProtocolError::InvalidFlags { packet });
    }
    let mut cursor = BodyCursor {
        body,
        position: 0,
        packet,
    };
    match packet_type {
        1 => check_connect(&mut cursor)?,
        2 => {
            let ack_flags = cursor.u8("it must be 2 bytes long")?;
            cursor.u8("it must be 2 bytes long")?;
            if ack_flags & 0xfe != 0 {
                return Err(cursor.malformed("reserved acknowledge flags are set"));
            }
            cursor.expect_end()?;
        }
        3 => {
            let qos = (flags >> 1) & 0b11;
            if qos == 3 {
                return Err(cursor.malformed("QoS 3 does not exist"));
            }
            if qos == 0 && flags & 0b1000 != 0 {
                return Err(cursor.malformed("a QoS 0 message cannot be a duplicate"));
            }
            cursor.utf8("its topic length exceeds the packet")?;
            if qos > 0 {
                cursor.packet_id()?;
            }
        }
        4..=7 | 11 => {
            cursor.packet_id()?;
            cursor.expect_end()?;
        }
        8 => {
            cursor.packet_id()?;
            if cursor.at_end() {
                return Err(cursor.malformed("it names no topic filter"));
            }
            while !cursor.at_end() {
                cursor.utf8("a topic filter length exceeds the packet")?;
                if cursor.u8("a topic filter has no QoS byte")? > 2 {
                    return Err(cursor.malformed("a requested QoS is above 2"));
                }
            }
        }
        9 => {
            cursor.packet_id()?;
            if cursor.at_end() {
                return Err(cursor.malformed("it has no return codes"));
            }
            while !cursor.at_end() {
                let code = cursor.u8("it has no return codes")?;
                if code > 2 && code != 0x80 {
                    return Err(cursor.malformed("a return code is not 0, 1, 2 or 0x80"));
                }
            }
        }
        10 => {
            cursor.packet_id()?;
            if cursor.at_end() {
                return Err(cursor.malformed("it names no topic filter"));
            }
            while !cursor.at_end() {
                cursor.utf8("a topic filter length exceeds the packet")?;
            }
        }
        _ => cursor.expect_end()?,
    }
    Ok(header)
}

fn check_connect(cursor: &mut BodyCursor<'_>) -> Result<(), ProtocolError> {
    let protocol = cursor.utf8("its protocol name is cut short")?;
    let level = cursor.u8("its protocol level is missing")?;
    if !matches!((protocol, level), ("MQTT", 4) | ("MQIsdp", 3)) {
        return Err(cursor.malformed("it asks for a protocol other than MQTT 3.1 or 3.1.1"));
    }
    let connect_flags = cursor.u8("its connect flags are missing")?;
    if connect_flags & 1 != 0 {
        return Err(cursor.malformed("the reserved connect flag is set"));
    }
    cursor.u16("its keepalive is missing")?;
    cursor.utf8("its client ID is cut short")?;
    let has_will = connect_flags & 0b0000_0100 != 0;
    if has_will {
        if (connect_flags >> 3) & 0b11 == 3 {
            return Err(cursor.malformed("the will QoS is 3"));
        }
        cursor.utf8("its will topic is cut short")?;
        cursor.length_prefixed("its will message is cut short")?;
    } else if connect_flags & 0b0011_1000 != 0 {
        return Err(cursor.malformed("will flags are set without a will"));
    }
    if connect_flags & 0b1000_0000 != 0 {
        cursor.utf8("its username is cut short")?;
    }
    if connect_flags & 0b0100_0000 != 0 {
        cursor.length_prefixed("its password is cut short")?;
    }
    cursor.expect_end()
}

/// A decoded packet. CONNACK is decoded here rather than by mqttrs, which rejects the
/// non-standard return codes 6 and 7 that Adafruit IO sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame<'a> {
    /// A CONNACK with its raw return code.
    Connack {
        session_present: bool,
        return_code: u8,
    },
    /// Any other packet, decoded by mqttrs.
    Packet(mqttrs::Packet<'a>),
}

/// Checks and decodes one whole packet. Never panics, whatever the bytes.
pub fn decode_frame(frame: &[u8]) -> Result<Frame<'_>, ProtocolError> {
    let header = check_frame(frame)?;
    if header.packet_type() == 2 {
        let body = frame.get(header.header_len..).unwrap_or_default();
        return Ok(Frame::Connack {
            session_present: body.first().is_some_and(|flags| flags & 1 == 1),
            return_code: body.get(1).copied().unwrap_or(0),
        });
    }
    match mqttrs::decode_slice(frame) {
        Ok(Some(packet)) => Ok(Frame::Packet(packet)),
        Ok(None) => Err(ProtocolError::Malformed {
            packet: packet_name(header.packet_type()),
            problem: "the packet is cut short",
        }),
        Err(error) => Err(ProtocolError::Malformed {
            packet: packet_name(header.packet_type()),
            problem: decode_problem(&error),
        }),
    }
}

fn decode_problem(error: &mqttrs::Error) -> &'static str {
    match error {
        mqttrs::Error::InvalidPid => "packet identifier 0 is not allowed",
        mqttrs::Error::InvalidQos(_) => "it names a QoS above 2",
        mqttrs::Error::InvalidString(_) => "a string is not valid UTF-8",
        mqttrs::Error::InvalidProtocol(..) => "it asks for an unknown protocol",
        mqttrs::Error::InvalidHeader => "its fixed header is invalid",
        _ => "its contents could not be decoded",
    }
}
