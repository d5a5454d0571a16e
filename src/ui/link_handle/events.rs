//! The link's events, mirrored into the page: storage at once, signals once per frame.

use super::LinkHandle;
use crate::link::{Link, LinkEvent};
use crate::platform::clock::{now, wall_clock_millis};
use crate::service::ServiceKind;
use leptos::prelude::*;

impl LinkHandle {
    /// Called by the driver when events wait: what other tabs and a reload must see is
    /// written now, the rest waits for the next frame.
    pub(super) fn take_events(&self) {
        let Some(driver) = self.driver() else {
            return;
        };
        let mut later: Vec<LinkEvent> = driver.events();
        self.plumbing.storage.update_value(|storage| {
            if let Some(storage) = storage {
                later = later.drain(..).filter_map(|e| storage.take(e)).collect();
            }
        });
        if !later.is_empty() {
            self.plumbing
                .inbox
                .update_value(|inbox| inbox.extend(later));
            self.plumbing.frames.request();
        }
    }

    pub(super) fn apply(&self, events: Vec<LinkEvent>) {
        if self.status.is_disposed() {
            return;
        }
        let mut messages = Vec::new();
        let mut history = Vec::new();
        // One reading of both clocks for the batch: arrival instants become wall-clock times.
        let wall_offset = wall_clock_millis() - now().as_millis() as f64;
        let (mut subscriptions_changed, mut changed) = (false, false);
        for event in events {
            match event {
                LinkEvent::Message(message, at) => {
                    messages.push((message, at.as_millis() as f64 + wall_offset));
                }
                LinkEvent::Status(status) => self.status.set(status),
                LinkEvent::SubscriptionsChanged => subscriptions_changed = true,
                LinkEvent::SubscriptionRefused(filter) => {
                    if let Some(hook) = self.plumbing.on_refused.get_value() {
                        hook(&filter);
                    }
                }
                LinkEvent::Changed => changed = true,
                LinkEvent::Problem(text) => self.problem.set(Some(text)),
                LinkEvent::Share(_) | LinkEvent::PersistOutbox(_) => {}
                LinkEvent::History(batch) => history.push(batch),
            }
        }
        if let (false, Some(driver)) = (messages.is_empty(), self.driver()) {
            let (service, filters) = driver
                .read(|link| {
                    let filters: Vec<String> =
                        link.subscriptions().into_iter().map(|s| s.filter).collect();
                    (link.behaviour().descriptor.kind, filters)
                })
                .unwrap_or((ServiceKind::Generic, Vec::new()));
            self.feeds.ingest(&messages, service, &filters);
        }
        if !history.is_empty() {
            self.feeds.merge_history(&history, wall_clock_millis());
        }
        if subscriptions_changed {
            self.refresh_subscriptions();
        }
        if changed {
            self.revision.update(|r| *r += 1);
        }
    }

    pub(super) fn refresh_subscriptions(&self) {
        let current = self.driver().and_then(|d| d.read(Link::subscriptions));
        self.subscriptions.set(current.unwrap_or_default());
    }
}
