//! Names for what the page keeps in browser storage. The parts (service, URL, user name) are
//! hashed, so storage holds no user name or address in its keys.

/// `feedboard.{kind}.{hash of parts}`. FNV-1a: stable across tabs and releases, which std's
/// hasher does not promise.
pub fn storage_key(kind: &str, parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            hash ^= 0x0a;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        for byte in part.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("feedboard.{kind}.{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_distinct_and_carry_no_names() {
        let key = storage_key(
            "outbox",
            &["AdafruitIo", "wss://io.adafruit.com/mqtt", "maker"],
        );
        assert_eq!(
            key,
            storage_key(
                "outbox",
                &["AdafruitIo", "wss://io.adafruit.com/mqtt", "maker"]
            )
        );
        assert_ne!(
            key,
            storage_key(
                "outbox",
                &["AdafruitIo", "wss://io.adafruit.com/mqtt", "other"]
            )
        );
        assert_ne!(
            storage_key("x", &["ab", "c"]),
            storage_key("x", &["a", "bc"])
        );
        assert!(key.starts_with("feedboard.outbox.") && !key.contains("maker"));
    }
}
