//! Alert rules as the user writes them: a feed, a condition, how long it must hold and how far
//! back a value must come before the alert clears. They are part of the dashboard (saved,
//! exported, imported with it); `crate::watch` evaluates them.

use crate::service::feed_ref::FeedRef;
use crate::service::value::Value;
use std::fmt;

/// What a rule watches for.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The number is above this.
    Above(f64),
    /// The number is below this.
    Below(f64),
    /// The number is below the first or above the second.
    Outside(f64, f64),
    /// The value, as text, is exactly this (surrounding spaces ignored).
    TextEquals(String),
    /// No update for this many minutes while connected.
    SilentFor(f64),
}

/// The condition kinds, in menu order, with a stable id and a label.
pub const CONDITION_KINDS: [(&str, &str); 5] = [
    ("above", "above"),
    ("below", "below"),
    ("outside", "outside"),
    ("equals", "text equals"),
    ("silent", "silent for (minutes)"),
];

impl Condition {
    /// The stable id of its kind (see [`CONDITION_KINDS`]).
    pub fn kind_id(&self) -> &'static str {
        match self {
            Self::Above(_) => "above",
            Self::Below(_) => "below",
            Self::Outside(..) => "outside",
            Self::TextEquals(_) => "equals",
            Self::SilentFor(_) => "silent",
        }
    }

    /// Whether a value starts the condition. `None` when the value says nothing about it (text
    /// on a numeric rule, or any value on a silence rule).
    pub fn starts(&self, value: &Value) -> Option<bool> {
        self.test(value, 0.0)
    }

    /// Whether a value keeps an alert that fired going: a numeric condition ends only once the
    /// value is `hysteresis` back on the safe side, so a value hovering at the threshold does
    /// not fire and clear over and over.
    pub fn holds(&self, value: &Value, hysteresis: f64) -> Option<bool> {
        self.test(value, hysteresis)
    }

    fn test(&self, value: &Value, slack: f64) -> Option<bool> {
        match self {
            Self::Above(limit) => Some(value.as_number()? > limit - slack),
            Self::Below(limit) => Some(value.as_number()? < limit + slack),
            Self::Outside(low, high) => {
                let number = value.as_number()?;
                Some(number < low + slack || number > high - slack)
            }
            Self::TextEquals(text) => Some(value.to_string().trim() == text.trim()),
            Self::SilentFor(_) => None,
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Above(limit) => write!(f, "above {limit}"),
            Self::Below(limit) => write!(f, "below {limit}"),
            Self::Outside(low, high) => write!(f, "outside {low}–{high}"),
            Self::TextEquals(text) => write!(f, "is \"{text}\""),
            Self::SilentFor(minutes) => write!(f, "silent for {minutes} min"),
        }
    }
}

/// One alert rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The feed it watches.
    pub feed: FeedRef,
    /// What it watches for.
    pub condition: Condition,
    /// Seconds the condition must hold before the rule fires (0: at once).
    pub hold_s: f64,
    /// How far back past the threshold a number must come before the alert clears.
    pub hysteresis: f64,
}

impl Rule {
    /// A stable text naming everything that decides the rule's behaviour: two dashboards
    /// holding the same rule share one alert, and an edited rule starts afresh.
    pub fn key(&self) -> String {
        let condition = match &self.condition {
            Condition::Above(limit) => format!("above {limit}"),
            Condition::Below(limit) => format!("below {limit}"),
            Condition::Outside(low, high) => format!("outside {low} {high}"),
            // The text's length first: whatever the text holds, the key reads one way only.
            Condition::TextEquals(text) => format!("equals {}:{text}", text.len()),
            Condition::SilentFor(minutes) => format!("silent {minutes}"),
        };
        format!(
            "{} {condition} {} {}",
            self.feed.id(),
            self.hold_s,
            self.hysteresis
        )
    }

    /// "temperature above 30" — what a person reads in a notification or a list.
    pub fn describe(&self) -> String {
        format!("{} {}", self.feed.short_name(), self.condition)
    }

    /// The hold time and hysteresis in words, empty when neither is set.
    pub fn qualifiers(&self) -> String {
        let mut parts = Vec::new();
        if self.hold_s > 0.0 {
            parts.push(format!("for {} s", self.hold_s));
        }
        if self.hysteresis > 0.0 {
            parts.push(format!("clears {} back", self.hysteresis));
        }
        parts.join(", ")
    }
}

/// A rule as typed into the form, before it is checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleDraft {
    /// The feed's id or topic.
    pub feed: String,
    /// A condition kind id from [`CONDITION_KINDS`].
    pub kind: String,
    /// The threshold, the low end, the text or the minutes.
    pub first: String,
    /// The high end (for "outside").
    pub second: String,
    /// Seconds the condition must hold.
    pub hold_s: String,
    /// How far back a number must come.
    pub hysteresis: String,
}

fn number(text: &str, what: &str) -> Result<f64, String> {
    match Value::from_text(text) {
        Value::Number(number) => Ok(number),
        Value::Text(_) if text.trim().is_empty() => Err(format!("enter {what}")),
        Value::Text(_) => Err(format!("{what} must be a number, not \"{}\"", text.trim())),
    }
}

fn optional_amount(text: &str, what: &str) -> Result<f64, String> {
    if text.trim().is_empty() {
        return Ok(0.0);
    }
    let amount = number(text, what)?;
    if amount < 0.0 {
        return Err(format!("{what} cannot be negative"));
    }
    Ok(amount)
}

impl RuleDraft {
    /// The rule, or what is wrong with the draft in words for the form.
    /// `feed_of` reads a typed feed name the way the service writes it.
    pub fn to_rule(
        &self,
        feed_of: impl Fn(&str) -> Result<FeedRef, String>,
    ) -> Result<Rule, String> {
        let feed_text = self.feed.trim();
        if feed_text.is_empty() {
            return Err("choose the feed the rule watches".into());
        }
        let feed = feed_of(feed_text)?;
        let condition = match self.kind.as_str() {
            "above" => Condition::Above(number(&self.first, "the threshold")?),
            "below" => Condition::Below(number(&self.first, "the threshold")?),
            "outside" => {
                let low = number(&self.first, "the low end")?;
                let high = number(&self.second, "the high end")?;
                if low >= high {
                    return Err("the low end must be below the high end".into());
                }
                Condition::Outside(low, high)
            }
            "equals" if self.first.trim().is_empty() => {
                return Err("enter the text to watch for".into())
            }
            "equals" => Condition::TextEquals(self.first.trim().to_owned()),
            "silent" => {
                let minutes = number(&self.first, "the minutes")?;
                if minutes <= 0.0 {
                    return Err("the minutes must be more than 0".into());
                }
                Condition::SilentFor(minutes)
            }
            other => return Err(format!("unknown condition \"{other}\"")),
        };
        Ok(Rule {
            feed,
            condition,
            hold_s: optional_amount(&self.hold_s, "the hold time")?,
            hysteresis: optional_amount(&self.hysteresis, "the hysteresis")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(text: &str) -> Result<FeedRef, String> {
        Ok(FeedRef::Topic(text.to_owned()))
    }

    fn draft(kind: &str, first: &str, second: &str) -> RuleDraft {
        RuleDraft {
            feed: "home/temp".into(),
            kind: kind.into(),
            first: first.into(),
            second: second.into(),
            ..RuleDraft::default()
        }
    }

    #[test]
    fn numeric_conditions_start_past_the_threshold_and_hold_until_back_by_the_hysteresis() {
        let above = Condition::Above(30.0);
        let n = Value::Number;
        assert_eq!(above.starts(&n(30.5)), Some(true));
        assert_eq!(above.starts(&n(29.5)), Some(false));
        assert_eq!(above.holds(&n(29.5), 1.0), Some(true));
        assert_eq!(above.holds(&n(28.9), 1.0), Some(false));
        assert_eq!(above.starts(&Value::Text("hot".into())), None);

        let below = Condition::Below(5.0);
        assert_eq!(below.starts(&n(4.0)), Some(true));
        assert_eq!(below.holds(&n(5.5), 1.0), Some(true));
        assert_eq!(below.holds(&n(6.5), 1.0), Some(false));

        let outside = Condition::Outside(10.0, 20.0);
        assert_eq!(outside.starts(&n(9.0)), Some(true));
        assert_eq!(outside.starts(&n(21.0)), Some(true));
        assert_eq!(outside.starts(&n(15.0)), Some(false));
        assert_eq!(outside.holds(&n(19.5), 1.0), Some(true));
        assert_eq!(outside.holds(&n(18.5), 1.0), Some(false));
    }

    #[test]
    fn text_rules_compare_the_trimmed_text_and_silence_rules_ignore_values() {
        let open = Condition::TextEquals("open".into());
        assert_eq!(open.starts(&Value::Text(" open ".into())), Some(true));
        assert_eq!(open.starts(&Value::Text("closed".into())), Some(false));
        assert_eq!(
            Condition::TextEquals("1".into()).starts(&Value::Number(1.0)),
            Some(true)
        );
        assert_eq!(Condition::SilentFor(5.0).starts(&Value::Number(1.0)), None);
    }

    #[test]
    fn drafts_become_rules_or_say_what_is_wrong() {
        let rule = RuleDraft {
            hold_s: "10".into(),
            hysteresis: "0.5".into(),
            ..draft("above", "30", "")
        }
        .to_rule(topic)
        .expect("valid");
        assert_eq!(rule.condition, Condition::Above(30.0));
        assert_eq!((rule.hold_s, rule.hysteresis), (10.0, 0.5));
        assert_eq!(rule.describe(), "home/temp above 30");
        assert_eq!(rule.qualifiers(), "for 10 s, clears 0.5 back");

        assert_eq!(
            draft("outside", "20", "10").to_rule(topic),
            Err("the low end must be below the high end".into())
        );
        assert_eq!(
            draft("above", "warm", "").to_rule(topic),
            Err("the threshold must be a number, not \"warm\"".into())
        );
        assert_eq!(
            draft("silent", "0", "").to_rule(topic),
            Err("the minutes must be more than 0".into())
        );
        assert_eq!(
            draft("equals", " ", "").to_rule(topic),
            Err("enter the text to watch for".into())
        );
        assert_eq!(
            RuleDraft {
                hold_s: "-3".into(),
                ..draft("below", "1", "")
            }
            .to_rule(topic),
            Err("the hold time cannot be negative".into())
        );
        assert_eq!(
            draft("above", "1", "").to_rule(|_| Err("not a feed key".into())),
            Err("not a feed key".into())
        );
    }

    #[test]
    fn the_key_changes_with_anything_that_changes_behaviour() {
        let rule = draft("above", "30", "").to_rule(topic).expect("valid");
        let mut held = rule.clone();
        held.hold_s = 5.0;
        assert_eq!(rule.key(), rule.clone().key());
        assert_ne!(rule.key(), held.key());
        let below = draft("below", "30", "").to_rule(topic).expect("valid");
        assert_ne!(rule.key(), below.key(), "the kind is part of it");
        let mut other_limit = rule.clone();
        other_limit.condition = Condition::Above(31.0);
        assert_ne!(rule.key(), other_limit.key());
        let text = |t: &str| Rule {
            condition: Condition::TextEquals(t.into()),
            ..rule.clone()
        };
        assert_ne!(text("on").key(), text("on ").key());
        assert_eq!(text("on").key(), text("on").key());
    }
}
