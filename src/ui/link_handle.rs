//! The UI's handle on the connection: it sends the user's commands to the [`Link`] (through its
//! [`LinkDriver`]) and mirrors the link's events into signals. It decides nothing; every rule
//! lives in `crate::link`.
//!
//! Events are applied once per animation frame, so a burst of a thousand messages costs one
//! update of each signal. What other tabs and a reload must see (budget spends, the saved
//! outbox) is written at once.

use super::feeds_handle::FeedsHandle;
use crate::budget::budgets::Meter;
use crate::budget::ledger::account_prefix;
use crate::link::monitor::MonitorEntry;
use crate::link::{ConnectionSettings, Link, LinkEvent, LinkStatus, SlotId, SlotState};
use crate::mqtt::{Message, QoS, Subscription};
use crate::platform::clock::{now, wall_clock_millis, wall_of};
use crate::platform::frame::FrameScheduler;
use crate::platform::random::{random_id, random_seed};
use crate::platform::saved_outbox;
use crate::platform::shared_budget::SharedBudget;
use crate::service::behaviour::ServiceBehaviour;
use crate::service::ServiceKind;
use crate::transport::broker_url::check_broker_url;
use crate::transport::client::LinkDriver;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Called with a filter the broker or service refused (the profile stops renewing it).
pub type RefusalHook = Rc<dyn Fn(&str)>;

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct LinkHandle {
    driver: StoredValue<Option<LinkDriver>, LocalStorage>,
    status: RwSignal<LinkStatus>,
    subscriptions: RwSignal<Vec<Subscription>>,
    problem: RwSignal<Option<String>>,
    /// Bumped when slot states, meters, blocked topics or the monitor change.
    revision: RwSignal<u64>,
    behaviour: RwSignal<ServiceBehaviour>,
    feeds: FeedsHandle,
    inbox: StoredValue<Rc<RefCell<Vec<LinkEvent>>>, LocalStorage>,
    frame: StoredValue<Option<FrameScheduler>, LocalStorage>,
    sharing: StoredValue<Option<SharedBudget>, LocalStorage>,
    tab_id: StoredValue<String>,
    outbox_key: StoredValue<Option<String>>,
    /// Outbox keys already read back in this page (once per load, not per reconnect).
    restored: StoredValue<Vec<String>>,
    on_refused: StoredValue<Option<RefusalHook>, LocalStorage>,
}

impl LinkHandle {
    /// A handle with no connection yet; received messages go to `feeds`.
    pub fn new(feeds: FeedsHandle) -> Self {
        let handle = Self {
            driver: StoredValue::new_local(None),
            status: RwSignal::new(LinkStatus::Idle),
            subscriptions: RwSignal::new(Vec::new()),
            problem: RwSignal::new(None),
            revision: RwSignal::new(0),
            behaviour: RwSignal::new(ServiceBehaviour::new(ServiceKind::Generic, None)),
            feeds,
            inbox: StoredValue::new_local(Rc::default()),
            frame: StoredValue::new_local(None),
            sharing: StoredValue::new_local(None),
            tab_id: StoredValue::new(random_id("")),
            outbox_key: StoredValue::new(None),
            restored: StoredValue::new(Vec::new()),
            on_refused: StoredValue::new_local(None),
        };
        let frame = FrameScheduler::new(move || {
            // A frame scheduled just before the page (or a test's app) unmounted.
            if let Some(inbox) = handle.inbox.try_get_value() {
                let events = std::mem::take(&mut *inbox.borrow_mut());
                handle.apply(events);
            }
        });
        handle.frame.set_value(Some(frame));
        handle
    }

    /// Calls `hook` with every subscription the broker or service refuses.
    pub fn on_refused(&self, hook: RefusalHook) {
        self.on_refused.set_value(Some(hook));
    }

    // ---- signals -------------------------------------------------------------------------

    /// The connection state.
    pub fn status(&self) -> Signal<LinkStatus> {
        self.status.into()
    }

    /// Subscriptions with the broker's answers.
    pub fn subscriptions(&self) -> Signal<Vec<Subscription>> {
        self.subscriptions.into()
    }

    /// The last command the page could not carry out, in words.
    pub fn problem(&self) -> Signal<Option<String>> {
        self.problem.into()
    }

    /// The service the connection is for, with its user (reactive).
    pub fn behaviour(&self) -> ServiceBehaviour {
        self.behaviour.get()
    }

    /// The service the connection is for, with its user, without tracking.
    pub fn behaviour_untracked(&self) -> ServiceBehaviour {
        self.behaviour.get_untracked()
    }

    /// Reads the link, re-run by a reactive reader whenever the link reports a change.
    fn read<R>(&self, read: impl FnOnce(&Link) -> R) -> Option<R> {
        self.revision.track();
        self.read_untracked(read)
    }

    fn read_untracked<R>(&self, read: impl FnOnce(&Link) -> R) -> Option<R> {
        self.driver.try_with_value(|d| d.as_ref()?.read(read))?
    }

    /// Where `slot`'s latest publish stands.
    pub fn slot_state(&self, slot: &SlotId) -> Option<SlotState> {
        self.read(|link| link.slot_state(slot))?
    }

    /// Why publishing to `topic` stopped, in words, if the service refused it.
    pub fn blocked(&self, topic: &str) -> Option<String> {
        self.read(|link| link.blocked(topic))?
    }

    /// Every limited class's meter now (the other tabs' spends read first).
    pub fn meters(&self) -> Vec<Meter> {
        self.sync();
        self.read(|link| link.meters(now())).unwrap_or_default()
    }

    /// The ban in force, as wall-clock ms, if any.
    pub fn banned_until_ms(&self) -> Option<f64> {
        self.read(|link| link.banned_until(now()))?.map(wall_of)
    }

    /// Whether the connection has limits at all.
    pub fn limited(&self) -> bool {
        self.read(Link::is_limited).unwrap_or(false)
    }

    /// The monitor's history, oldest first.
    pub fn history(&self) -> Vec<MonitorEntry> {
        self.read(|link| link.monitor().entries().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether the other tabs of the account can be told (the browser gave storage).
    pub fn shared_between_tabs(&self) -> bool {
        self.revision.track();
        self.sharing
            .try_with_value(Option::is_some)
            .unwrap_or(false)
    }

    // ---- commands ------------------------------------------------------------------------

    /// Runs a command on the current link, after taking in what the other tabs spent.
    fn command<R>(&self, command: impl FnOnce(&mut Link, crate::time::Instant) -> R) -> Option<R> {
        self.sync();
        self.driver
            .try_with_value(|d| d.as_ref()?.command(command))
            .flatten()
    }

    /// Connects with `settings`, replacing any current connection (subscriptions and waiting
    /// publishes carry over to the same account).
    pub fn connect(&self, settings: &ConnectionSettings) {
        if let Err(error) = check_broker_url(&settings.url, page_is_secure()) {
            self.status.set(LinkStatus::Failed(error.to_string()));
            return;
        }
        let carried = self.command(|old, now| {
            let carried = old.hand_over(settings);
            old.disconnect(now);
            carried
        });
        let link = Link::new(settings.clone(), random_seed(), carried);
        self.behaviour.set(link.behaviour().clone());
        let handle = *self;
        let driver = LinkDriver::new(link, move || handle.take_events());
        self.driver.set_value(Some(driver));
        self.open_sharing(settings);
        self.problem.set(None);
        self.restore_outbox(settings);
        self.command(|link, now| link.connect(now));
    }

    fn open_sharing(&self, settings: &ConnectionSettings) {
        let limited = self.read_untracked(Link::is_limited).unwrap_or(false);
        let (service, account) = settings.account();
        let prefix = account_prefix(service, account);
        let tab_id = self.tab_id.get_value();
        self.sharing.set_value(
            limited
                .then(|| SharedBudget::open(&prefix, &tab_id))
                .flatten(),
        );
    }

    /// Puts back what an earlier load of the page kept unacknowledged on this connection
    /// (once per load).
    fn restore_outbox(&self, settings: &ConnectionSettings) {
        let key = saved_outbox::key_for(settings);
        self.outbox_key.set_value(Some(key.clone()));
        if self.restored.with_value(|done| done.contains(&key)) {
            return;
        }
        self.restored.update_value(|done| done.push(key));
        let saved = saved_outbox::take(settings);
        self.command(|link, now| link.restore(now, saved));
    }

    /// Takes in what the account's other tabs spent and were told.
    fn sync(&self) {
        let changes = self
            .sharing
            .try_update_value(|sharing| sharing.as_mut().map(SharedBudget::read_others))
            .flatten()
            .unwrap_or_default();
        if changes.is_empty() {
            return;
        }
        self.driver.try_with_value(|driver| {
            driver.as_ref()?.command(|link, _| {
                for change in changes {
                    link.handle_shared(change);
                }
            })
        });
    }

    /// Reconnects at once when the browser comes back online or the tab is shown again,
    /// instead of waiting out the backoff (a laptop waking up, a phone switching networks).
    pub fn reconnect_promptly(&self) {
        let handle = *self;
        let retry = move |_: web_sys::Event| {
            let waiting = matches!(
                handle.status.get_untracked(),
                LinkStatus::Reconnecting { .. }
            );
            if waiting && !document().hidden() {
                handle.reconnect_now();
            }
        };
        let online = window_event_listener_untyped("online", retry);
        let shown = window_event_listener_untyped("visibilitychange", retry);
        on_cleanup(move || {
            online.remove();
            shown.remove();
        });
    }

    /// Skips the wait before the next reconnect attempt (the connection budget still applies).
    pub fn reconnect_now(&self) {
        self.command(|link, now| link.reconnect_now(now));
    }

    /// Disconnects (or stops reconnecting); subscriptions are kept for the next connect.
    pub fn disconnect(&self) {
        self.command(|link, now| link.disconnect(now));
    }

    /// Subscribes to `filter`: now if connected and the budget allows, else on connect.
    /// Returns whether it was taken; if not, [`LinkHandle::problem`] says why.
    pub fn subscribe(&self, filter: &str, qos: QoS) -> bool {
        let result = self
            .command(|link, now| link.subscribe(now, filter, qos))
            .unwrap_or_else(|| Err("connect to a broker before subscribing".to_owned()));
        self.report(result)
    }

    /// Unsubscribes from `filter`.
    pub fn unsubscribe(&self, filter: &str) -> bool {
        let result = self
            .command(|link, now| link.unsubscribe(now, filter))
            .unwrap_or(Ok(()));
        self.report(result)
    }

    fn report(&self, result: Result<(), String>) -> bool {
        self.refresh_subscriptions();
        let ok = result.is_ok();
        self.problem.set(result.err());
        ok
    }

    /// Publishes through the budgets on behalf of `slot`; see [`Link::publish`]. Without a
    /// connection, or when the connection cannot be asked, nothing is sent and the error says so.
    pub fn publish(
        &self,
        slot: SlotId,
        topic: &str,
        payload: &[u8],
        qos: QoS,
        retain: bool,
    ) -> Result<(), String> {
        self.command(|link, now| link.publish(now, slot, topic, payload, qos, retain))
            .unwrap_or_else(|| Err("connect to a broker before publishing".to_owned()))
    }

    /// Lets publishing to `topic` go again.
    pub fn unblock(&self, topic: &str) {
        self.command(|link, _| link.unblock(topic));
    }

    // ---- events --------------------------------------------------------------------------

    /// Called by the driver when events wait: what other tabs and a reload must see is
    /// written now, the rest waits for the next frame.
    fn take_events(&self) {
        let Some(events) = self
            .driver
            .try_with_value(|d| d.as_ref().map(LinkDriver::events))
        else {
            return;
        };
        let mut later = Vec::new();
        for event in events.into_iter().flatten() {
            match event {
                LinkEvent::Share(change) => {
                    self.sharing.update_value(|sharing| {
                        if let Some(sharing) = sharing {
                            sharing.tell(&change);
                        }
                    });
                }
                LinkEvent::PersistOutbox(saved) => self.keep_outbox(&saved),
                other => later.push(other),
            }
        }
        if later.is_empty() {
            return;
        }
        if let Some(inbox) = self.inbox.try_get_value() {
            inbox.borrow_mut().extend(later);
        }
        self.frame.with_value(|frame| {
            if let Some(frame) = frame {
                frame.request();
            }
        });
    }

    fn keep_outbox(&self, saved: &[crate::link::saved_publish::SavedPublish]) {
        let Some(key) = self.outbox_key.get_value() else {
            return;
        };
        if !saved_outbox::keep(&key, saved) && !saved.is_empty() {
            self.problem.set(Some(
                "this browser does not keep unacknowledged messages: a reload would lose them"
                    .to_owned(),
            ));
        }
    }

    fn apply(&self, events: Vec<LinkEvent>) {
        if self.status.is_disposed() {
            return;
        }
        let mut messages: Vec<Message> = Vec::new();
        let mut subscriptions_changed = false;
        let mut changed = false;
        for event in events {
            match event {
                LinkEvent::Message(message) => messages.push(message),
                LinkEvent::Status(status) => self.status.set(status),
                LinkEvent::SubscriptionsChanged => subscriptions_changed = true,
                LinkEvent::SubscriptionRefused(filter) => {
                    if let Some(hook) = self.on_refused.get_value() {
                        hook(&filter);
                    }
                }
                LinkEvent::Changed => changed = true,
                LinkEvent::Problem(text) => self.problem.set(Some(text)),
                LinkEvent::Share(_) | LinkEvent::PersistOutbox(_) => {}
            }
        }
        if !messages.is_empty() {
            let (service, filters) = self
                .read_untracked(|link| {
                    let filters: Vec<String> =
                        link.subscriptions().into_iter().map(|s| s.filter).collect();
                    (link.behaviour().descriptor.kind, filters)
                })
                .unwrap_or((ServiceKind::Generic, Vec::new()));
            self.feeds
                .ingest(&messages, service, &filters, wall_clock_millis());
        }
        if subscriptions_changed {
            self.refresh_subscriptions();
        }
        if changed {
            self.revision.update(|r| *r += 1);
        }
    }

    fn refresh_subscriptions(&self) {
        let current = self.read_untracked(Link::subscriptions).unwrap_or_default();
        self.subscriptions.set(current);
    }
}

fn page_is_secure() -> bool {
    web_sys::window()
        .and_then(|window| window.location().protocol().ok())
        .is_some_and(|protocol| protocol == "https:")
}
