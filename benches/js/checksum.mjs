// The checksum of benches/wasm/src/checksum.rs, for packets decoded by mqtt-packet: the same
// fields of every packet folded the same way, so both decoders can be compared.

const TYPES = { connect: 1, connack: 2, publish: 3, puback: 4, pubrec: 5, pubrel: 6, pubcomp: 7, subscribe: 8, suback: 9, unsubscribe: 10, unsuback: 11, pingreq: 12, pingresp: 13, disconnect: 14 };

export function fold(sum, packet) {
  const isPublish = packet.cmd === 'publish';
  const payload = isPublish ? packet.payload : null;
  const term =
    (TYPES[packet.cmd] ?? 0) +
    Math.imul(isPublish ? Buffer.byteLength(packet.topic) : 0, 3) +
    Math.imul(payload ? payload.length : 0, 5) +
    Math.imul(payload && payload.length > 0 ? payload[0] : 0, 7) +
    Math.imul(packet.messageId ?? 0, 11) +
    Math.imul(isPublish ? packet.qos : 0, 13);
  return (Math.imul(sum, 31) + term) >>> 0;
}
