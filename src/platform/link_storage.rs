//! What one connection keeps in browser storage: the budgets it shares with the account's
//! other tabs, and its saved outbox (unacknowledged QoS 1/2 publishes, so a reload loses none).

use super::saved_outbox;
use super::shared_budget::SharedBudget;
use crate::budget::ledger::account_prefix;
use crate::link::{ConnectionSettings, LinkEvent, Shared};

/// The storage of one connection.
pub struct LinkStorage {
    sharing: Option<SharedBudget>,
    outbox_key: String,
}

impl LinkStorage {
    /// Storage for `settings`, as tab `tab_id`. Budgets are shared only when the service has
    /// limits (and the browser gives storage).
    pub fn open(settings: &ConnectionSettings, limited: bool, tab_id: &str) -> Self {
        let (service, account) = settings.account();
        let prefix = account_prefix(service, account);
        Self {
            sharing: limited
                .then(|| SharedBudget::open(&prefix, tab_id))
                .flatten(),
            outbox_key: saved_outbox::key_for(settings),
        }
    }

    /// Whether the other tabs of the account are told and heard.
    pub fn shares(&self) -> bool {
        self.sharing.is_some()
    }

    /// What the other tabs did since the last read.
    pub fn read_others(&mut self) -> Vec<Shared> {
        self.sharing
            .as_mut()
            .map(SharedBudget::read_others)
            .unwrap_or_default()
    }

    /// Does what `event` asks of storage (tell the other tabs, keep the outbox); returns the
    /// event if it is for the page instead, or a problem if storage failed.
    pub fn take(&mut self, event: LinkEvent) -> Option<LinkEvent> {
        match event {
            LinkEvent::Share(change) => {
                if let Some(sharing) = self.sharing.as_mut() {
                    sharing.tell(&change);
                }
                None
            }
            LinkEvent::PersistOutbox(saved) => {
                let kept = saved_outbox::keep(&self.outbox_key, &saved) || saved.is_empty();
                (!kept).then(|| {
                    LinkEvent::Problem(
                        "this browser does not keep unacknowledged messages: a reload would lose them"
                            .to_owned(),
                    )
                })
            }
            other => Some(other),
        }
    }
}
