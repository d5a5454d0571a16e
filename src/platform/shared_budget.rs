//! The cross-tab budget records in `localStorage`: this tab writes its own record, and reads
//! the other tabs' of the same account before each decision (reading is synchronous, so a
//! spend another tab made a moment ago is counted; `storage` events would arrive later, and
//! not at all within one document).

use super::clock::{instant_of_wall, wall_clock_millis, wall_of};
use crate::budget::ledger::{Reader, TabRecord, KEPT_MS};
use crate::link::Shared;

/// This tab's side of the sharing.
pub struct SharedBudget {
    prefix: String,
    key: String,
    record: TabRecord,
    reader: Reader,
}

use super::local_storage as storage;

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

    /// Tells the other tabs about a change in this tab (times on the wall clock: tabs share no
    /// monotonic clock).
    pub fn tell(&mut self, change: &Shared) {
        match change {
            Shared::Spend { class, cost, at } => self.record.spend(*class, *cost, wall_of(*at)),
            Shared::Pause { class, until } => {
                self.record
                    .pause(*class, wall_of(*until), wall_clock_millis())
            }
            Shared::Ban { until } => self.record.ban(wall_of(*until)),
        }
        self.save();
    }

    /// What the other tabs did since the last read, on this tab's clock. Records of tabs gone
    /// quiet for longer than any budget period are removed.
    pub fn read_others(&mut self) -> Vec<Shared> {
        let now_wall_ms = wall_clock_millis();
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
                    .map(|spend| Shared::Spend {
                        class: spend.class,
                        cost: spend.cost,
                        at: instant_of_wall(spend.at_wall_ms),
                    }),
            );
            changes.extend(
                record
                    .pauses
                    .iter()
                    .filter(|(_, until)| *until > now_wall_ms)
                    .map(|(class, until)| Shared::Pause {
                        class: *class,
                        until: instant_of_wall(*until),
                    }),
            );
            if let Some(until) = record.banned_until_wall_ms.filter(|u| *u > now_wall_ms) {
                changes.push(Shared::Ban {
                    until: instant_of_wall(until),
                });
            }
        }
        changes
    }
}
