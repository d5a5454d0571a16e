// Seeded MQTT 3.1.1 traffic, byte for byte, for the decode benchmark: what a dashboard
// receives (mostly QoS 0 PUBLISH of numbers on user/feeds/<key>, some QoS 1, acks, pings,
// a few 1 KB JSON documents), and random frames for the robustness count.

/** mulberry32: a small seeded generator, so every run decodes the same bytes. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function remainingLength(n) {
  const bytes = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return bytes;
}

function frame(first, body) {
  return Buffer.concat([Buffer.from([first, ...remainingLength(body.length)]), body]);
}

function publish(topic, payload, qos, pid) {
  const name = Buffer.from(topic);
  const parts = [Buffer.from([name.length >> 8, name.length & 0xff]), name];
  if (qos > 0) parts.push(Buffer.from([pid >> 8, pid & 0xff]));
  parts.push(payload);
  return frame(0x30 | (qos << 1), Buffer.concat(parts));
}

const withPid = (type, pid) => frame(type, Buffer.from([pid >> 8, pid & 0xff]));

function jsonDocument(random) {
  const readings = [];
  let text = '';
  while (text.length < 1000) {
    readings.push({ key: `sensor-${Math.floor(random() * 100)}`, value: +(random() * 100).toFixed(3), at: 1763900000000 + readings.length });
    text = JSON.stringify({ feeds: readings, location: { lat: 52.52, lon: 13.405, ele: 34 } });
  }
  return Buffer.from(text);
}

/** `count` frames of realistic traffic, concatenated. */
export function trafficCorpus(count, seed = 7) {
  const random = seeded(seed);
  const keys = Array.from({ length: 50 }, (_, i) => `maker/feeds/${['temperature', 'humidity', 'light', 'door', 'battery'][i % 5]}-${i}`);
  const frames = [];
  for (let i = 0; i < count; i++) {
    const kind = random();
    const pid = 1 + Math.floor(random() * 65535);
    if (kind < 0.88) {
      const topic = keys[Math.floor(random() * keys.length)];
      frames.push(publish(topic, Buffer.from((random() * 100).toFixed(2)), 0, 0));
    } else if (kind < 0.93) {
      const topic = keys[Math.floor(random() * keys.length)];
      frames.push(publish(topic, Buffer.from((random() * 1000).toFixed(1)), 1, pid));
    } else if (kind < 0.96) {
      frames.push(withPid(0x40, pid)); // PUBACK
    } else if (kind < 0.98) {
      frames.push(Buffer.from([0xd0, 0x00])); // PINGRESP
    } else if (kind < 0.99) {
      const codes = Array.from({ length: 1 + Math.floor(random() * 3) }, () => (random() < 0.5 ? 0 : 1));
      frames.push(frame(0x90, Buffer.from([pid >> 8, pid & 0xff, ...codes]))); // SUBACK
    } else {
      frames.push(publish('maker/groups/garden/json', jsonDocument(random), 0, 0));
    }
  }
  return Buffer.concat(frames);
}

/** `count` random frames: a random first byte and a well-formed length over random contents,
 * and one in ten just random bytes. */
export function randomFrames(count, seed = 11) {
  const random = seeded(seed);
  const frames = [];
  for (let i = 0; i < count; i++) {
    if (random() < 0.1) {
      frames.push(Buffer.from(Array.from({ length: 1 + Math.floor(random() * 20) }, () => Math.floor(random() * 256))));
      continue;
    }
    const length = Math.floor(random() ** 2 * 120);
    const body = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
    frames.push(frame(Math.floor(random() * 256), body));
  }
  return frames;
}
