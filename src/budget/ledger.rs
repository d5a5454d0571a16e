//! Sharing budgets between the tabs of one account. The service counts every tab together, so
//! each tab writes what it spent (and any pause the service imposed) to a record of its own in
//! shared browser storage, and reads the others'. This file is the record's format and the
//! bookkeeping of what has been read; the storage itself is browser glue.

use super::action::ActionClass;
use crate::json_text::json_text;
use crate::service::ServiceKind;
use crate::storage_key::storage_key;
use serde_json::{json, Value as Json};
use std::collections::HashMap;

/// How long a tab keeps its spends in its record: longer than any budget period.
pub const KEPT_MS: f64 = 3.0 * 60_000.0;

/// One spend, as another tab sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Spend {
    /// Numbered per tab, so a reader takes each once.
    pub seq: u64,
    /// The class.
    pub class: ActionClass,
    /// Tokens spent.
    pub cost: u32,
    /// When, wall clock (ms since the Unix epoch): tabs share no monotonic clock.
    pub at_wall_ms: f64,
}

/// One tab's record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TabRecord {
    /// Recent spends, oldest first.
    pub spends: Vec<Spend>,
    /// Pauses in force: class and end, wall clock.
    pub pauses: Vec<(ActionClass, f64)>,
    /// A ban's end, wall clock.
    pub banned_until_wall_ms: Option<f64>,
    next_seq: u64,
}

impl TabRecord {
    /// Adds a spend made at `at_wall_ms`, forgetting spends older than [`KEPT_MS`].
    pub fn spend(&mut self, class: ActionClass, cost: u32, at_wall_ms: f64) {
        self.next_seq += 1;
        self.spends.push(Spend {
            seq: self.next_seq,
            class,
            cost,
            at_wall_ms,
        });
        self.spends.retain(|s| at_wall_ms - s.at_wall_ms < KEPT_MS);
    }

    /// Adds a pause of `class` until `until_wall_ms`.
    pub fn pause(&mut self, class: ActionClass, until_wall_ms: f64, now_wall_ms: f64) {
        self.pauses
            .retain(|(c, until)| *c != class && *until > now_wall_ms);
        self.pauses.push((class, until_wall_ms));
    }

    /// Records a ban until `until_wall_ms`.
    pub fn ban(&mut self, until_wall_ms: f64) {
        self.banned_until_wall_ms = Some(
            self.banned_until_wall_ms
                .map_or(until_wall_ms, |b| b.max(until_wall_ms)),
        );
    }

    /// The record as stored text.
    pub fn encode(&self) -> String {
        let spends: Vec<Json> = self
            .spends
            .iter()
            .map(|s| json!([s.seq, s.class.id(), s.cost, s.at_wall_ms]))
            .collect();
        let pauses: Vec<Json> = self
            .pauses
            .iter()
            .map(|(class, until)| json!([class.id(), until]))
            .collect();
        json_text(&json!({
            "v": 1,
            "spends": spends,
            "pauses": pauses,
            "ban": self.banned_until_wall_ms,
        }))
    }

    /// Reads a stored record; `None` for anything else (another version, damaged text).
    pub fn decode(text: &str) -> Option<TabRecord> {
        let json: Json = serde_json::from_str(text).ok()?;
        if json.get("v")?.as_u64()? != 1 {
            return None;
        }
        let spends = json
            .get("spends")?
            .as_array()?
            .iter()
            .filter_map(|entry| {
                let [seq, class, cost, at] = entry.as_array()?.as_slice() else {
                    return None;
                };
                Some(Spend {
                    seq: seq.as_u64()?,
                    class: ActionClass::from_id(class.as_str()?)?,
                    cost: u32::try_from(cost.as_u64()?).ok()?,
                    at_wall_ms: at.as_f64().filter(|t| t.is_finite())?,
                })
            })
            .collect::<Vec<_>>();
        let pauses = json
            .get("pauses")
            .and_then(Json::as_array)
            .map(|pauses| {
                pauses
                    .iter()
                    .filter_map(|entry| {
                        let [class, until] = entry.as_array()?.as_slice() else {
                            return None;
                        };
                        Some((
                            ActionClass::from_id(class.as_str()?)?,
                            until.as_f64().filter(|t| t.is_finite())?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let next_seq = spends.iter().map(|s| s.seq).max().unwrap_or(0);
        Some(TabRecord {
            spends,
            pauses,
            banned_until_wall_ms: json
                .get("ban")
                .and_then(Json::as_f64)
                .filter(|t| t.is_finite()),
            next_seq,
        })
    }
}

/// The storage key prefix shared by every tab of one account on one service (each tab adds
/// its own id).
pub fn account_prefix(service: ServiceKind, account: &str) -> String {
    format!("{}.", storage_key("budget", &[service.id(), account]))
}

/// What this tab has already taken from the others' records.
#[derive(Debug, Clone, Default)]
pub struct Reader {
    seen: HashMap<String, u64>,
}

impl Reader {
    /// The spends in `record` (of tab `tab`) not taken before.
    pub fn new_spends<'a>(&mut self, tab: &str, record: &'a TabRecord) -> Vec<&'a Spend> {
        let seen = self.seen.entry(tab.to_owned()).or_insert(0);
        let fresh: Vec<&Spend> = record.spends.iter().filter(|s| s.seq > *seen).collect();
        if let Some(last) = fresh.iter().map(|s| s.seq).max() {
            *seen = last;
        }
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_and_forgets_old_spends() {
        let mut record = TabRecord::default();
        record.spend(ActionClass::Data, 1, 1_000.0);
        record.spend(ActionClass::ChannelUpdate(7), 1, 2_000.0);
        record.pause(ActionClass::Data, 90_000.0, 2_000.0);
        record.ban(120_000.0);
        let read = TabRecord::decode(&record.encode()).expect("reads back");
        assert_eq!(read, record);
        record.spend(ActionClass::Connect, 1, 1_000.0 + KEPT_MS + 1.0);
        let classes: Vec<ActionClass> = record.spends.iter().map(|s| s.class).collect();
        assert_eq!(
            classes,
            vec![ActionClass::ChannelUpdate(7), ActionClass::Connect]
        );
    }

    #[test]
    fn damaged_or_foreign_records_are_ignored() {
        assert_eq!(TabRecord::decode("not json"), None);
        assert_eq!(TabRecord::decode(r#"{"v":2,"spends":[]}"#), None);
        let partly =
            TabRecord::decode(r#"{"v":1,"spends":[[1,"data",1,5.0],[2,"warp",1,6.0],["x"]]}"#)
                .expect("the good part reads");
        assert_eq!(partly.spends.len(), 1);
        assert_eq!(partly.pauses, vec![]);
    }

    #[test]
    fn each_spend_is_taken_once_and_accounts_do_not_mix() {
        let mut record = TabRecord::default();
        record.spend(ActionClass::Data, 1, 1.0);
        record.spend(ActionClass::Data, 2, 2.0);
        let mut reader = Reader::default();
        assert_eq!(reader.new_spends("tab-a", &record).len(), 2);
        assert!(reader.new_spends("tab-a", &record).is_empty());
        record.spend(ActionClass::Data, 1, 3.0);
        let fresh = reader.new_spends("tab-a", &record);
        assert_eq!(fresh.len(), 1);
        assert_eq!(fresh[0].cost, 1);
        let maker = account_prefix(ServiceKind::AdafruitIo, "maker");
        assert_eq!(maker, account_prefix(ServiceKind::AdafruitIo, "maker"));
        assert_ne!(maker, account_prefix(ServiceKind::AdafruitIo, "other"));
        assert_ne!(maker, account_prefix(ServiceKind::ThingSpeak, "maker"));
        assert!(!maker.contains("maker"));
    }
}
