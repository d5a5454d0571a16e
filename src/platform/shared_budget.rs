//! The cross-tab budget records in `localStorage`: this tab writes its own record, and reads
//! the other tabs' of the same account before each decision (reading is synchronous, so a
//! spend another tab made a moment ago is counted; `storage` events would arrive later, and
//! not at all within one document).

use crate::budget::action::ActionClass;
use crate::budget::ledger::{Reader, Spend, TabRecord, KEPT_MS};

/// A change another tab reported.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoteChange {
    /// It spent tokens.
    Spend(Spend),
    /// The service paused a class.
    Pause(ActionClass, f64),
    /// The account is banned until then (wall clock).
    Ban(f64),
}

/// This tab's side of the sharing.
pub struct SharedBudget {
    prefix: String,
    key: String,
    record: TabRecord,
    reader: Reader,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

impl SharedBudget {
    /// Sharing under `prefix` (one per account), as tab `tab_id`. `None` when the browser
    /// offers no storage (then each tab keeps its own budget).
    pub fn open(prefix: &str, tab_id: &str) -> Option<Self> {
        storage()?;
        Some(Self {
            prefix: prefix.to_owned(),
            key: format!("{prefix}{tab_id}"),
            record: TabRecord::default(),
            reader: Reader::default(),
        })
    }

    fn save(&self) {
        if let Some(storage) = storage() {
            // A full storage only costs the sharing, never the publish.
            let _ = storage.set_item(&self.key, &self.record.encode());
        }
    }

    /// Tells the other tabs about a spend.
    pub fn spend(&mut self, class: ActionClass, cost: u32, now_wall_ms: f64) {
        self.record.spend(class, cost, now_wall_ms);
        self.save();
    }

    /// Tells the other tabs about a pause.
    pub fn pause(&mut self, class: ActionClass, until_wall_ms: f64, now_wall_ms: f64) {
        self.record.pause(class, until_wall_ms, now_wall_ms);
        self.save();
    }

    /// Tells the other tabs about a ban.
    pub fn ban(&mut self, until_wall_ms: f64) {
        self.record.ban(until_wall_ms);
        self.save();
    }

    /// What the other tabs did since the last read. Records of tabs gone quiet for longer than
    /// any budget period are removed.
    pub fn read_others(&mut self, now_wall_ms: f64) -> Vec<RemoteChange> {
        let Some(storage) = storage() else {
            return Vec::new();
        };
        let keys: Vec<String> = (0..storage.length().unwrap_or(0))
            .filter_map(|index| storage.key(index).ok().flatten())
            .filter(|key| key.starts_with(&self.prefix) && *key != self.key)
            .collect();
        let mut changes = Vec::new();
        for key in keys {
            let Some(record) = storage
                .get_item(&key)
                .ok()
                .flatten()
                .and_then(|text| TabRecord::decode(&text))
            else {
                continue;
            };
            let newest = record
                .spends
                .iter()
                .map(|s| s.at_wall_ms)
                .fold(f64::MIN, f64::max);
            let live_pause = record.pauses.iter().any(|(_, until)| *until > now_wall_ms)
                || record
                    .banned_until_wall_ms
                    .is_some_and(|until| until > now_wall_ms);
            if now_wall_ms - newest > KEPT_MS && !live_pause {
                let _ = storage.remove_item(&key);
                continue;
            }
            changes.extend(
                self.reader
                    .new_spends(&key, &record)
                    .into_iter()
                    .map(|spend| RemoteChange::Spend(spend.clone())),
            );
            changes.extend(
                record
                    .pauses
                    .iter()
                    .filter(|(_, until)| *until > now_wall_ms)
                    .map(|(class, until)| RemoteChange::Pause(*class, *until)),
            );
            if let Some(until) = record.banned_until_wall_ms.filter(|u| *u > now_wall_ms) {
                changes.push(RemoteChange::Ban(until));
            }
        }
        changes
    }
}
