//! Names for what the page keeps in browser storage. The parts (service, URL, user name) are
//! hashed, so storage holds no user name or address in its keys.

use crate::service::ServiceKind;

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

/// The name a service had in storage keys before keys used [`ServiceKind::id`]: its `Debug`
/// output. Kept only to find data saved under the old keys.
pub fn legacy_service_name(service: ServiceKind) -> &'static str {
    match service {
        ServiceKind::AdafruitIo => "AdafruitIo",
        ServiceKind::ThingSpeak => "ThingSpeak",
        ServiceKind::Generic => "Generic",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_names_are_what_debug_printed() {
        for (service, _) in ServiceKind::ALL {
            assert_eq!(legacy_service_name(service), format!("{service:?}"));
        }
    }

    #[test]
    fn a_key_written_by_the_old_format_is_found_by_the_legacy_name() {
        // Written by Feedboard before stable ids: `storage_key("outbox", [Debug, url, user])`.
        let old = storage_key("outbox", &["Generic", "ws://localhost:9001/mqtt", ""]);
        assert_eq!(old, "feedboard.outbox.ecd99fc2587fd172");
        assert_eq!(
            storage_key(
                "outbox",
                &[
                    legacy_service_name(ServiceKind::Generic),
                    "ws://localhost:9001/mqtt",
                    ""
                ]
            ),
            old
        );
        assert_ne!(
            storage_key("outbox", &["generic", "ws://localhost:9001/mqtt", ""]),
            old,
            "the new key differs, so the old one must be read too"
        );
    }

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
