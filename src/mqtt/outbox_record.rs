//! The publishes the user made at QoS 1 or 2 that the broker has not acknowledged yet, kept so
//! they can be written to storage and survive a page reload. Tracks each from the moment it is
//! made (it may still wait for a budget) until its acknowledgement.

use super::QoS;
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

#[derive(Debug, Clone, PartialEq)]
struct Tracked {
    slot: String,
    publish: SavedPublish,
    /// Set once the session took it (it then owns its delivery under this id).
    packet_id: Option<u16>,
}

/// The unacknowledged publishes, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unacknowledged {
    entries: Vec<Tracked>,
}

impl Unacknowledged {
    /// The user made `publish` from `slot`. QoS 0 promises nothing and is not kept; a newer
    /// publish from a slot replaces its older one still waiting to go (as the queue does).
    pub fn made(&mut self, slot: &str, publish: SavedPublish) {
        if publish.qos == QoS::AtMostOnce {
            return;
        }
        self.entries
            .retain(|e| !(e.slot == slot && e.packet_id.is_none()));
        self.entries.push(Tracked {
            slot: slot.to_owned(),
            publish,
            packet_id: None,
        });
    }

    /// The publish from `slot` went to the session under `packet_id`.
    pub fn handed_over(&mut self, slot: &str, packet_id: u16) {
        if let Some(entry) = self
            .entries
            .iter_mut()
            .find(|e| e.slot == slot && e.packet_id.is_none())
        {
            entry.packet_id = Some(packet_id);
        }
    }

    /// The broker acknowledged `packet_id`. Returns whether a kept publish matched.
    pub fn delivered(&mut self, packet_id: u16) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.packet_id != Some(packet_id));
        self.entries.len() != before
    }

    /// The publish from `slot` will not be sent (refused before sending).
    pub fn dropped(&mut self, slot: &str) {
        self.entries
            .retain(|e| !(e.slot == slot && e.packet_id.is_none()));
    }

    /// Slots whose publish has not gone to the session yet.
    pub fn waiting_slots(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|e| e.packet_id.is_none())
            .map(|e| e.slot.clone())
            .collect()
    }

    /// What to keep, oldest first.
    pub fn saved(&self) -> Vec<SavedPublish> {
        self.entries.iter().map(|e| e.publish.clone()).collect()
    }

    /// Whether nothing waits for an acknowledgement.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
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
    json!({"v": 1, "publishes": entries}).to_string()
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
    fn a_publish_is_kept_from_when_it_is_made_until_its_acknowledgement() {
        let mut kept = Unacknowledged::default();
        kept.made("a", publish(b"1", QoS::AtLeastOnce));
        kept.made("b", publish(b"2", QoS::AtLeastOnce));
        kept.made("c", publish(b"fire and forget", QoS::AtMostOnce));
        assert_eq!(kept.saved().len(), 2);
        kept.handed_over("a", 7);
        kept.handed_over("b", 8);
        assert!(kept.delivered(7));
        assert!(!kept.delivered(7));
        assert_eq!(kept.saved(), vec![publish(b"2", QoS::AtLeastOnce)]);
    }

    #[test]
    fn a_newer_waiting_value_replaces_the_older_one_but_not_one_in_flight() {
        let mut kept = Unacknowledged::default();
        kept.made("slider", publish(b"1", QoS::AtLeastOnce));
        kept.handed_over("slider", 1);
        kept.made("slider", publish(b"2", QoS::AtLeastOnce));
        kept.made("slider", publish(b"3", QoS::AtLeastOnce));
        let payloads: Vec<Vec<u8>> = kept.saved().into_iter().map(|p| p.payload).collect();
        assert_eq!(payloads, vec![b"1".to_vec(), b"3".to_vec()]);
        kept.dropped("slider");
        assert_eq!(kept.saved().len(), 1);
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
