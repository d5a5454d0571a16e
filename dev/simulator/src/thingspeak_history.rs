//! ThingSpeak's channel feed over HTTP (`/channels/{id}/feeds.json`): entries oldest first,
//! chosen by `results`, `minutes`, `days` or `start`/`end`; a private channel answers `-1`
//! without its Read API key. Reads are not rate-limited, as on the real service.

use crate::http_api::{Answer, Head};
use feedboard::service::thingspeak::ChannelEntry;
use feedboard::time::calendar::parse_iso8601;
use serde_json::{json, Map};
use std::collections::BTreeMap;

/// Entries a read returns at most.
const MAX_RESULTS: usize = 8000;
/// Entries kept per channel.
const KEPT_PER_CHANNEL: usize = 100_000;

/// Every channel's entries, and which channels are private.
#[derive(Debug, Default)]
pub struct ThingSpeakHistory {
    channels: BTreeMap<u64, Vec<(u64, ChannelEntry)>>,
    /// Private channels and their Read API keys.
    pub private: Vec<(u64, String)>,
}

impl ThingSpeakHistory {
    /// Keeps `entry`, stored at `ms`.
    pub fn record(&mut self, ms: u64, entry: ChannelEntry) {
        let entries = self.channels.entry(entry.channel_id).or_default();
        let at = entries.partition_point(|(t, _)| *t <= ms);
        entries.insert(at, (ms, entry));
        if entries.len() > KEPT_PER_CHANNEL {
            entries.drain(..entries.len() - KEPT_PER_CHANNEL);
        }
    }

    /// The last entry id of `channel` (0 if none).
    pub fn last_entry_id(&self, channel: u64) -> u64 {
        self.channels
            .get(&channel)
            .and_then(|entries| entries.iter().map(|(_, e)| e.entry_id).max())
            .unwrap_or(0)
    }

    /// Answers a GET of `path` at wall-clock `wall_ms`.
    pub fn answer(&self, head: &Head, wall_ms: u64) -> Answer {
        let channel = head
            .path
            .strip_prefix("/channels/")
            .and_then(|rest| rest.strip_suffix("/feeds.json"))
            .and_then(|id| id.parse::<u64>().ok());
        let Some(channel) = channel else {
            return not_found();
        };
        if let Some((_, key)) = self.private.iter().find(|(c, _)| *c == channel) {
            if head.query.get("api_key") != Some(key) {
                return Answer::json(200, "-1");
            }
        }
        let Some(entries) = self.channels.get(&channel) else {
            return not_found();
        };
        let number = |name: &str| head.query.get(name).and_then(|v| v.parse::<u64>().ok());
        let time = |name: &str| {
            head.query
                .get(name)
                .and_then(|v| parse_iso8601(v))
                .and_then(|ms| u64::try_from(ms).ok())
        };
        let chosen: Vec<&(u64, ChannelEntry)> = match number("results") {
            // `results` wins over every other choice.
            Some(results) => {
                let results = usize::try_from(results)
                    .unwrap_or(MAX_RESULTS)
                    .min(MAX_RESULTS);
                entries[entries.len().saturating_sub(results)..]
                    .iter()
                    .collect()
            }
            None => {
                let span = number("minutes")
                    .map(|m| m * 60_000)
                    .or_else(|| number("days").map(|d| d * 86_400_000))
                    .unwrap_or(86_400_000);
                let start = time("start").unwrap_or(wall_ms.saturating_sub(span));
                let end = time("end").unwrap_or(u64::MAX);
                let in_range: Vec<_> = entries
                    .iter()
                    .filter(|(ms, _)| *ms >= start && *ms <= end)
                    .collect();
                in_range[in_range.len().saturating_sub(MAX_RESULTS)..].to_vec()
            }
        };
        let feeds: Vec<serde_json::Value> = chosen.iter().map(|(_, e)| entry_json(e)).collect();
        let mut about = Map::new();
        about.insert("id".into(), json!(channel));
        about.insert("name".into(), json!(format!("Channel {channel}")));
        for field in 1..=8 {
            about.insert(format!("field{field}"), json!(format!("Field {field}")));
        }
        about.insert("last_entry_id".into(), json!(self.last_entry_id(channel)));
        let body = json!({ "channel": about, "feeds": feeds });
        Answer::json(200, body.to_string())
    }
}

fn entry_json(entry: &ChannelEntry) -> serde_json::Value {
    let mut object = Map::new();
    object.insert("created_at".into(), json!(entry.created_at));
    object.insert("entry_id".into(), json!(entry.entry_id));
    for (index, value) in entry.fields.iter().enumerate() {
        if let Some(value) = value {
            object.insert(format!("field{}", index + 1), json!(value));
        }
    }
    serde_json::Value::Object(object)
}

fn not_found() -> Answer {
    Answer::json(
        404,
        r#"{"status":"404","error":{"error_code":"error_resource_not_found","message":"Resource not found"}}"#,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use feedboard::time::calendar::iso8601_seconds;

    const WALL: u64 = 1_796_040_000_000;

    fn entry(channel: u64, id: u64, ms: u64) -> ChannelEntry {
        let mut fields: [Option<String>; 8] = Default::default();
        fields[0] = Some(id.to_string());
        ChannelEntry {
            channel_id: channel,
            entry_id: id,
            created_at: iso8601_seconds(ms as i64),
            fields,
            location: None,
            status: None,
        }
    }

    fn get(history: &ThingSpeakHistory, target: &str) -> Answer {
        let head = Head::parse(&format!("GET {target} HTTP/1.1\r\nHost: ts.test\r\n\r\n"))
            .expect("a head");
        history.answer(&head, WALL)
    }

    fn ids(answer: &Answer) -> Vec<u64> {
        let body: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
        body["feeds"]
            .as_array()
            .map(|feeds| {
                feeds
                    .iter()
                    .filter_map(|f| f["entry_id"].as_u64())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn entries_come_oldest_first_by_minutes_or_results_and_private_channels_need_their_key() {
        let mut history = ThingSpeakHistory::default();
        for id in 1..=10u64 {
            history.record(
                WALL - (10 - id) * 60_000,
                entry(5, id, WALL - (10 - id) * 60_000),
            );
        }
        assert_eq!(
            ids(&get(&history, "/channels/5/feeds.json?minutes=3")),
            vec![7, 8, 9, 10]
        );
        assert_eq!(
            ids(&get(&history, "/channels/5/feeds.json?minutes=3&results=5")),
            vec![6, 7, 8, 9, 10],
            "results wins"
        );
        assert_eq!(ids(&get(&history, "/channels/5/feeds.json")).len(), 10);
        assert_eq!(get(&history, "/channels/6/feeds.json").status, 404);
        history.private.push((5, "RK".into()));
        let refused = get(&history, "/channels/5/feeds.json");
        assert_eq!((refused.status, refused.body.as_str()), (200, "-1"));
        assert_eq!(
            ids(&get(
                &history,
                "/channels/5/feeds.json?api_key=RK&results=1"
            )),
            vec![10]
        );
    }
}
