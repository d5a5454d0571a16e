//! What Adafruit IO says on `{u}/throttle` and `{u}/errors`, as typed events. The texts have
//! the shape `CLIENT_ID [IP] ACTION TOPIC message` (the prefix is missing from some, the topic
//! may be empty, the whole may be wrapped in double quotes); anything not recognised is kept
//! as [`NoticeKind::Unknown`] with its text, never dropped.

use crate::service::incoming::unquote_notice;
use std::fmt;

/// Which action a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeAction {
    /// A PUBLISH.
    Publish,
    /// A SUBSCRIBE.
    Subscribe,
}

/// What the service said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeKind {
    /// Too much data: publishing is refused for this many seconds.
    Throttled {
        /// Seconds until the throttle is released.
        seconds: u64,
    },
    /// A warning: only this many attempts of the action are left in the window.
    AttemptsRemaining {
        /// Attempts left.
        remaining: u32,
        /// The window, in seconds.
        window_seconds: u64,
    },
    /// The account is banned for this many seconds.
    Banned {
        /// Seconds of ban.
        seconds: u64,
    },
    /// Too many requests; wait before reconnecting.
    TooManyRequests,
    /// Too many requests at once; the service disconnects.
    Flood,
    /// The topic is not one the service has.
    InvalidTopic,
    /// The topic belongs to someone else, or does not exist.
    NotAuthorized,
    /// Publishing to a topic that is not the user's own feed (or a feed shared for writing).
    OnlySharedFeeds,
    /// The user is blocked for now (during a ban).
    TemporarilyBlocked,
    /// Another refusal, with the service's reason.
    Rejected {
        /// The reason, as the service wrote it.
        reason: String,
    },
    /// Not recognised; the text says it all.
    Unknown,
}

/// One notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// What it means.
    pub kind: NoticeKind,
    /// The action it is about, if it names one.
    pub action: Option<NoticeAction>,
    /// The topic it is about, if it names one.
    pub topic: Option<String>,
    /// The client it is about, if it names one.
    pub client_id: Option<String>,
    /// The text as received (without surrounding quotes).
    pub text: String,
}

impl Notice {
    /// Reads a notice's text.
    pub fn parse(text: &str) -> Notice {
        let text = unquote_notice(text);
        let words: Vec<&str> = text.split(' ').collect();
        let action_at = words.iter().position(|word| {
            matches!(*word, "PUBLISH" | "SUBSCRIBE") // the action is spelled in capitals
        });
        let (action, topic, client_id, message) = match action_at {
            Some(at) => {
                let action = if words[at] == "PUBLISH" {
                    NoticeAction::Publish
                } else {
                    NoticeAction::Subscribe
                };
                let topic = words
                    .get(at + 1)
                    .filter(|t| !t.is_empty() && !starts_message(t));
                let message_from = at + 1 + usize::from(topic.is_some());
                let message = words.get(message_from..).unwrap_or(&[]).join(" ");
                let client_id = words.first().filter(|_| at > 0).map(|c| (*c).to_owned());
                (
                    Some(action),
                    topic.map(|t| (*t).to_owned()),
                    client_id,
                    message,
                )
            }
            None => (None, None, None, text.clone()),
        };
        Notice {
            kind: classify(message.trim()),
            action,
            topic,
            client_id,
            text,
        }
    }

    /// Whether the notice says the service refused an action (it counts toward a ban).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self.kind,
            NoticeKind::InvalidTopic
                | NoticeKind::NotAuthorized
                | NoticeKind::OnlySharedFeeds
                | NoticeKind::Rejected { .. }
        )
    }
}

/// Words that begin the message part rather than name a topic.
fn starts_message(word: &str) -> bool {
    matches!(word, "rejected," | "only" | "made" | "request" | "rejected")
}

fn classify(message: &str) -> NoticeKind {
    // The service writes its notices in ASCII English.
    let lower = message.to_ascii_lowercase();
    if lower.contains("data rate limit reached") {
        if let Some(seconds) = number_before(&lower, " seconds until throttle released") {
            return NoticeKind::Throttled { seconds };
        }
    }
    if lower.contains("attempts remaining in the next") {
        let remaining = number_after(&lower, "only ").and_then(|n| u32::try_from(n).ok());
        let window = number_after(&lower, "in the next ");
        if let (Some(remaining), Some(window_seconds)) = (remaining, window) {
            return NoticeKind::AttemptsRemaining {
                remaining,
                window_seconds,
            };
        }
    }
    if let Some(seconds) = number_after(&lower, "banned for ") {
        return NoticeKind::Banned { seconds };
    }
    if lower.contains("made too many requests") {
        return NoticeKind::TooManyRequests;
    }
    if lower.contains("request flood") {
        return NoticeKind::Flood;
    }
    if lower.contains("not a valid resource topic") {
        return NoticeKind::InvalidTopic;
    }
    if lower.contains("not available or not authorized") {
        return NoticeKind::NotAuthorized;
    }
    if lower.contains("only shared feeds may be published to") {
        return NoticeKind::OnlySharedFeeds;
    }
    if lower.contains("temporarily blocked") {
        return NoticeKind::TemporarilyBlocked;
    }
    if let Some(reason) = message
        .strip_prefix("rejected,")
        .or_else(|| message.strip_prefix("rejected"))
    {
        return NoticeKind::Rejected {
            reason: reason.trim().to_owned(),
        };
    }
    NoticeKind::Unknown
}

/// The whole number written just before `marker`.
fn number_before(text: &str, marker: &str) -> Option<u64> {
    let head = &text[..text.find(marker)?];
    head.rsplit(' ').next()?.parse().ok()
}

/// The whole number written just after `marker`.
fn number_after(text: &str, marker: &str) -> Option<u64> {
    let tail = &text[text.find(marker)? + marker.len()..];
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

impl Notice {
    /// What the service objected to, without naming the action: "not a valid topic".
    pub fn reason(&self) -> String {
        match &self.kind {
            NoticeKind::InvalidTopic => "not a valid topic".to_owned(),
            NoticeKind::NotAuthorized => "not yours, or does not exist".to_owned(),
            NoticeKind::OnlySharedFeeds => {
                "only your own feeds (or feeds shared with you) take data".to_owned()
            }
            NoticeKind::TemporarilyBlocked => "the account is blocked for now".to_owned(),
            NoticeKind::Rejected { reason } => reason.clone(),
            _ => self.to_string(),
        }
    }
}

impl fmt::Display for Notice {
    /// The notice in words a maker understands.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let action = match self.action {
            Some(NoticeAction::Publish) => "publish",
            Some(NoticeAction::Subscribe) => "subscription",
            None => "request",
        };
        let on = self
            .topic
            .as_ref()
            .map(|t| format!(" to {t}"))
            .unwrap_or_default();
        match &self.kind {
            NoticeKind::Throttled { seconds } => write!(
                f,
                "data rate limit reached: the service refuses data for {seconds} s"
            ),
            NoticeKind::AttemptsRemaining {
                remaining,
                window_seconds,
            } => write!(
                f,
                "warning: only {remaining} {action}s left in the next {window_seconds} s"
            ),
            NoticeKind::Banned { seconds } => {
                write!(f, "the account is banned for {seconds} s")
            }
            NoticeKind::TooManyRequests => {
                write!(f, "too many requests: wait before reconnecting")
            }
            NoticeKind::Flood => write!(f, "request flood: the service disconnects"),
            NoticeKind::Unknown => write!(f, "{}", self.text),
            NoticeKind::InvalidTopic
            | NoticeKind::NotAuthorized
            | NoticeKind::OnlySharedFeeds
            | NoticeKind::TemporarilyBlocked
            | NoticeKind::Rejected { .. } => {
                write!(f, "{action}{on} refused: {}", self.reason())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> NoticeKind {
        Notice::parse(text).kind
    }

    #[test]
    fn every_documented_throttle_and_error_text_parses() {
        assert_eq!(
            kind("test_username data rate limit reached, 21 seconds until throttle released"),
            NoticeKind::Throttled { seconds: 21 }
        );
        let warning = Notice::parse("io-badstuff-23111 SUBSCRIBE time/seconds only 5 attempts remaining in the next 60 seconds, please slow your request rate");
        assert_eq!(
            warning.kind,
            NoticeKind::AttemptsRemaining {
                remaining: 5,
                window_seconds: 60
            }
        );
        assert_eq!(warning.action, Some(NoticeAction::Subscribe));
        assert_eq!(warning.topic.as_deref(), Some("time/seconds"));
        assert_eq!(warning.client_id.as_deref(), Some("io-badstuff-23111"));
        assert_eq!(
            kind("io-badstuff-23111 SUBSCRIBE time/seconds made too many requests, wait before reconnecting"),
            NoticeKind::TooManyRequests
        );
        assert_eq!(
            kind("enforcement limit reached, your account is banned for 30 seconds"),
            NoticeKind::Banned { seconds: 30 }
        );
        let invalid = Notice::parse("io-badstuff-12558 SUBSCRIBE LWT/$SYS/obe/pixel/adafruit.server/sessions-005 rejected, not a valid resource topic");
        assert_eq!(invalid.kind, NoticeKind::InvalidTopic);
        assert_eq!(
            invalid.topic.as_deref(),
            Some("LWT/$SYS/obe/pixel/adafruit.server/sessions-005")
        );
        let shared = Notice::parse(
            "io-mqtt-149edf5e PUBLISH  rejected, only shared feeds may be published to",
        );
        assert_eq!(shared.kind, NoticeKind::OnlySharedFeeds);
        assert_eq!(shared.action, Some(NoticeAction::Publish));
        assert_eq!(shared.topic, None, "the topic is empty in this form");
        assert_eq!(
            kind("io-badstuff-94864 SUBSCRIBE time/seconds request flood, disconnecting"),
            NoticeKind::Flood
        );
        let foreign = Notice::parse("io-badstuff-29349 SUBSCRIBE other_username/feeds/something.fake-11 rejected, resource not available or not authorized");
        assert_eq!(foreign.kind, NoticeKind::NotAuthorized);
        assert_eq!(
            foreign.topic.as_deref(),
            Some("other_username/feeds/something.fake-11")
        );
        let blocked = Notice::parse("io-mqtt-0d63acfb PUBLISH test_username/feeds/example.counter-3 rejected, user is temporarily blocked");
        assert_eq!(blocked.kind, NoticeKind::TemporarilyBlocked);
        assert!(
            !blocked.is_refusal(),
            "a ban's refusals are not the topic's fault"
        );
        assert!(foreign.is_refusal());
    }

    #[test]
    fn quotes_an_ip_and_other_reasons_are_handled() {
        assert_eq!(
            kind("\"test_username data rate limit reached, 5 seconds until throttle released\""),
            NoticeKind::Throttled { seconds: 5 }
        );
        let with_ip = Notice::parse(
            "io-mqtt-1 203.0.113.7 PUBLISH maker/feeds/temp rejected, value is larger than 1KB",
        );
        assert_eq!(
            with_ip.kind,
            NoticeKind::Rejected {
                reason: "value is larger than 1KB".into()
            }
        );
        assert_eq!(with_ip.topic.as_deref(), Some("maker/feeds/temp"));
        assert_eq!(with_ip.client_id.as_deref(), Some("io-mqtt-1"));
        assert!(with_ip.is_refusal());
    }

    #[test]
    fn unknown_texts_are_kept_whole() {
        let odd = Notice::parse("the service is having a bad day");
        assert_eq!(odd.kind, NoticeKind::Unknown);
        assert_eq!(odd.to_string(), "the service is having a bad day");
        assert_eq!(kind(""), NoticeKind::Unknown);
        assert_eq!(
            kind("data rate limit reached, soon until throttle released"),
            NoticeKind::Unknown,
            "a throttle without a number is not invented one"
        );
    }

    #[test]
    fn notices_read_as_plain_words() {
        let text = Notice::parse("u data rate limit reached, 21 seconds until throttle released");
        assert_eq!(
            text.to_string(),
            "data rate limit reached: the service refuses data for 21 s"
        );
        let shared = Notice::parse("c PUBLISH u/x rejected, only shared feeds may be published to");
        assert_eq!(
            shared.to_string(),
            "publish to u/x refused: only your own feeds (or feeds shared with you) take data"
        );
    }
}
