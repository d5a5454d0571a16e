//! The subscriptions the user asked for and what the broker made of them.
//!
//! The table outlives connections: after a reconnect every entry is subscribed again.

use super::QoS;
use std::collections::BTreeMap;

/// What the broker said about one subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionStatus {
    /// Asked for, no SUBACK yet (or not connected).
    Pending,
    /// Granted at this QoS (which may be lower than the one requested).
    Granted(QoS),
    /// The broker or the service refused it (SUBACK return code 0x80, or a service notice).
    /// It stays refused across reconnects and is not renewed: asking again for what was
    /// refused is how accounts get banned. Subscribing to it again asks afresh.
    Refused,
}

/// One subscription filter with its requested QoS and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The topic filter.
    pub filter: String,
    /// The QoS asked for.
    pub requested: QoS,
    /// The broker's answer so far.
    pub status: SubscriptionStatus,
}

/// Subscriptions keyed by filter, in filter order.
#[derive(Debug, Default, Clone)]
pub struct Subscriptions {
    by_filter: BTreeMap<String, Subscription>,
}

impl Subscriptions {
    /// Records a subscription as pending (a repeated filter takes the new QoS).
    pub fn insert(&mut self, filter: &str, requested: QoS) {
        self.by_filter.insert(
            filter.to_owned(),
            Subscription {
                filter: filter.to_owned(),
                requested,
                status: SubscriptionStatus::Pending,
            },
        );
    }

    /// Forgets a subscription. Returns whether it existed.
    pub fn remove(&mut self, filter: &str) -> bool {
        self.by_filter.remove(filter).is_some()
    }

    /// Updates the status of `filter`, if the user still wants it.
    pub fn set_status(&mut self, filter: &str, status: SubscriptionStatus) {
        if let Some(entry) = self.by_filter.get_mut(filter) {
            entry.status = status;
        }
    }

    /// Marks every subscription not refused pending, as at the start of a new connection.
    pub fn reset_all(&mut self) {
        for entry in self.by_filter.values_mut() {
            if entry.status != SubscriptionStatus::Refused {
                entry.status = SubscriptionStatus::Pending;
            }
        }
    }

    /// All subscriptions in filter order.
    pub fn iter(&self) -> impl Iterator<Item = &Subscription> {
        self.by_filter.values()
    }

    /// The subscriptions a new connection makes again: every one but those refused (asking
    /// again for what was refused is how accounts get banned).
    pub fn renewable(&self) -> impl Iterator<Item = &Subscription> {
        self.iter()
            .filter(|s| s.status != SubscriptionStatus::Refused)
    }

    /// The subscription for `filter`.
    pub fn get(&self, filter: &str) -> Option<&Subscription> {
        self.by_filter.get(filter)
    }

    /// Number of subscriptions.
    pub fn len(&self) -> usize {
        self.by_filter.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_filter.is_empty()
    }
}
