//! A publish as the saved outbox keeps it (QoS 1 or 2, made but not yet acknowledged), and its
//! stored text, so what the user sent survives a page reload. The text holds no secret.

use crate::json_text::json_text;
use crate::mqtt::QoS;
use serde_json::{json, Value as Json};

/// One publish to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedPublish {
    /// Topic.
    pub topic: String,
    /// Payload.
    pub payload: Vec<u8>,
    /// QoS 1 or 2.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
}

/// The publishes as stored text (payloads in hex: they need not be UTF-8).
pub fn encode(publishes: &[SavedPublish]) -> String {
    let entries: Vec<Json> = publishes
        .iter()
        .map(|p| {
            let hex: String = p.payload.iter().map(|b| format!("{b:02x}")).collect();
            json!({"topic": p.topic, "payload": hex, "qos": p.qos.level(), "retain": p.retain})
        })
        .collect();
    json_text(&json!({"v": 1, "publishes": entries}))
}

/// Reads stored publishes; entries that do not read are left out, another version or damaged
/// text gives `None`.
pub fn decode(text: &str) -> Option<Vec<SavedPublish>> {
    let json: Json = serde_json::from_str(text).ok()?;
    if json.get("v")?.as_u64()? != 1 {
        return None;
    }
    Some(
        json.get("publishes")?
            .as_array()?
            .iter()
            .filter_map(|entry| {
                let hex = entry.get("payload")?.as_str()?;
                let payload = (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                    .collect::<Option<Vec<u8>>>()?;
                let qos = QoS::from_level(u8::try_from(entry.get("qos")?.as_u64()?).ok()?)?;
                Some(SavedPublish {
                    topic: entry.get("topic")?.as_str()?.to_owned(),
                    payload,
                    qos,
                    retain: entry.get("retain")?.as_bool()?,
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(payload: &[u8], qos: QoS) -> SavedPublish {
        SavedPublish {
            topic: "home/lamp".into(),
            payload: payload.to_vec(),
            qos,
            retain: false,
        }
    }

    #[test]
    fn stored_text_round_trips_binary_payloads_and_damage_is_refused() {
        let publishes = vec![
            publish(&[0, 255, 10], QoS::AtLeastOnce),
            publish(b"on", QoS::ExactlyOnce),
        ];
        assert_eq!(decode(&encode(&publishes)), Some(publishes));
        assert_eq!(decode("{"), None);
        assert_eq!(decode(r#"{"v":9,"publishes":[]}"#), None);
        let partly = decode(
            r#"{"v":1,"publishes":[{"topic":"t","payload":"zz","qos":1,"retain":false},{"topic":"t","payload":"6f6e","qos":1,"retain":false}]}"#,
        );
        assert_eq!(partly.map(|p| p.len()), Some(1));
    }
}
