//! Every received message, newest last, bounded by count and by payload bytes.

use super::ring::BoundedRing;
use crate::mqtt::topic::{filter_matches, validate_filter};
use crate::mqtt::{Message, QoS};
use std::sync::Arc;

/// Default number of messages kept.
pub const DEFAULT_LOG_ENTRIES: usize = 5000;
/// Default payload bytes kept across all messages.
pub const DEFAULT_LOG_BYTES: usize = 16 * 1024 * 1024;

/// What a logged message turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// Data for one or more feeds.
    Data,
    /// A copy of an update delivered on another topic too (Adafruit IO `/json`, `/csv`).
    Copy,
    /// A throttle notice from the service.
    Throttle,
    /// An error notice from the service.
    ServiceError,
    /// A clock tick (`time/*`).
    Time,
}

impl LogKind {
    /// A short word for the log's tag column.
    pub fn label(self) -> &'static str {
        match self {
            Self::Data => "data",
            Self::Copy => "copy",
            Self::Throttle => "throttle",
            Self::ServiceError => "error",
            Self::Time => "time",
        }
    }
}

/// One received message.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// Position in the whole log's lifetime, from 1; stable while the entry is kept.
    pub seq: u64,
    /// When it arrived, ms since the Unix epoch.
    pub at_ms: f64,
    /// Topic.
    pub topic: String,
    /// Payload, as received (shared, so views can hold it without copying).
    pub payload: Arc<[u8]>,
    /// Delivery QoS.
    pub qos: QoS,
    /// From the broker's retained store.
    pub retain: bool,
    /// What the message was.
    pub kind: LogKind,
}

/// The bounded message log.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageLog {
    entries: BoundedRing<LogEntry>,
    payload_bytes: usize,
    max_bytes: usize,
}

impl Default for MessageLog {
    fn default() -> Self {
        Self::new(DEFAULT_LOG_ENTRIES, DEFAULT_LOG_BYTES)
    }
}

impl MessageLog {
    /// A log keeping at most `max_entries` messages and `max_bytes` of payload.
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            entries: BoundedRing::new(max_entries),
            payload_bytes: 0,
            max_bytes,
        }
    }

    /// Appends a message received at `at_ms`.
    pub fn record(&mut self, message: &Message, kind: LogKind, at_ms: f64) {
        let entry = LogEntry {
            seq: self.entries.pushed() + 1,
            at_ms,
            topic: message.topic.clone(),
            payload: Arc::from(message.payload.as_slice()),
            qos: message.qos,
            retain: message.retain,
            kind,
        };
        self.payload_bytes += entry.payload.len();
        if let Some(evicted) = self.entries.push(entry) {
            self.payload_bytes -= evicted.payload.len();
        }
        // The newest message is always kept, however large.
        while self.payload_bytes > self.max_bytes && self.entries.len() > 1 {
            if let Some(evicted) = self.entries.pop_oldest() {
                self.payload_bytes -= evicted.payload.len();
            }
        }
    }

    /// Messages received over the log's lifetime.
    pub fn total(&self) -> u64 {
        self.entries.pushed()
    }

    /// Messages kept now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Kept messages, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &LogEntry> {
        self.entries.iter()
    }

    /// Up to `limit` kept messages whose topic matches `filter`, newest first. An MQTT filter
    /// with `+` or `#` matches as MQTT would; any other text matches topics that contain it,
    /// ignoring case.
    pub fn matching<'a>(
        &'a self,
        filter: &str,
        limit: usize,
    ) -> impl Iterator<Item = &'a LogEntry> + 'a {
        let matcher = TopicMatcher::new(filter);
        self.entries
            .iter()
            .rev()
            .filter(move |entry| matcher.matches(&entry.topic))
            .take(limit)
    }

    /// Forgets every message.
    pub fn clear(&mut self) {
        while self.entries.pop_oldest().is_some() {}
        self.payload_bytes = 0;
    }
}

/// The log's topic filter, parsed once.
#[derive(Debug, Clone)]
pub enum TopicMatcher {
    /// Everything.
    All,
    /// An MQTT topic filter with wildcards.
    Mqtt(String),
    /// Topics containing this lower-case text.
    Contains(String),
}

impl TopicMatcher {
    /// The matcher for what the user typed.
    pub fn new(filter: &str) -> Self {
        let filter = filter.trim();
        if filter.is_empty() {
            Self::All
        } else if filter.contains(['+', '#']) && validate_filter(filter).is_ok() {
            Self::Mqtt(filter.to_owned())
        } else {
            // ASCII case folding: topics are mostly ASCII, and Unicode's case tables would cost
            // the page 16 KB of download for this one filter.
            Self::Contains(filter.to_ascii_lowercase())
        }
    }

    /// Whether `topic` passes.
    pub fn matches(&self, topic: &str) -> bool {
        match self {
            Self::All => true,
            Self::Mqtt(filter) => filter_matches(filter, topic),
            Self::Contains(text) => topic.to_ascii_lowercase().contains(text.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str, payload: &[u8]) -> Message {
        Message {
            topic: topic.into(),
            payload: payload.into(),
            qos: QoS::AtMostOnce,
            retain: false,
            duplicate: false,
        }
    }

    #[test]
    fn the_log_keeps_the_newest_messages_within_its_count() {
        let mut log = MessageLog::new(3, 1000);
        for i in 0..5 {
            log.record(
                &message(&format!("t/{i}"), b"x"),
                LogKind::Data,
                f64::from(i),
            );
        }
        let topics: Vec<&str> = log.entries().map(|e| e.topic.as_str()).collect();
        assert_eq!(topics, vec!["t/2", "t/3", "t/4"]);
        assert_eq!((log.total(), log.len()), (5, 3));
        assert_eq!(log.entries().next().map(|e| e.seq), Some(3));
    }

    #[test]
    fn the_log_keeps_within_its_payload_bytes_but_always_keeps_the_newest() {
        let mut log = MessageLog::new(100, 10);
        log.record(&message("a", b"12345"), LogKind::Data, 0.0);
        log.record(&message("b", b"12345"), LogKind::Data, 1.0);
        log.record(&message("c", b"123"), LogKind::Data, 2.0);
        assert_eq!(log.len(), 2);
        log.record(&message("huge", &[0; 50]), LogKind::Data, 3.0);
        let topics: Vec<&str> = log.entries().map(|e| e.topic.as_str()).collect();
        assert_eq!(topics, vec!["huge"]);
    }

    #[test]
    fn filtering_matches_text_ignoring_case_or_an_mqtt_filter_newest_first() {
        let mut log = MessageLog::default();
        for topic in ["home/Kitchen/temp", "home/garden/temp", "office/temp"] {
            log.record(&message(topic, b"1"), LogKind::Data, 0.0);
        }
        let found = |filter: &str| -> Vec<String> {
            log.matching(filter, 10).map(|e| e.topic.clone()).collect()
        };
        assert_eq!(found("kitchen"), vec!["home/Kitchen/temp"]);
        assert_eq!(
            found("home/+/temp"),
            vec!["home/garden/temp", "home/Kitchen/temp"]
        );
        assert_eq!(found("").len(), 3);
        assert_eq!(found("#"), found(""));
        // Not a valid filter ("#" must be last): matched as text instead.
        assert!(found("home/#/x").is_empty());
        assert_eq!(log.matching("temp", 1).count(), 1);
    }
}
