//! The UI's handle on the connection: it sends the user's commands to the [`Link`] (through its
//! [`LinkDriver`]) and mirrors the link's events into signals. It decides nothing; every rule
//! lives in `crate::link`.
//!
//! Events are applied once per animation frame, so a burst of a thousand messages costs one
//! update of each signal. What other tabs and a reload must see (budget spends, the saved
//! outbox) is written at once.

mod events;

use super::feeds_handle::FeedsHandle;
use super::frame_loop::FrameLoop;
use crate::budget::budgets::Meter;
use crate::history::{HistoryState, ReadTarget};
use crate::link::{ConnectionSettings, Link, LinkEvent, LinkStatus, SlotId};
use crate::mqtt::{QoS, Subscription};
use crate::platform::clock::{now, wall_clock_millis};
use crate::platform::link_storage::LinkStorage;
use crate::platform::location::page_is_secure;
use crate::platform::random::{random_id, random_seed};
use crate::platform::saved_outbox;
use crate::service::behaviour::ServiceBehaviour;
use crate::service::feed_ref::FeedRef;
use crate::service::ServiceKind;
use crate::time::Instant;
use crate::transport::broker_url::check_broker_url;
use crate::transport::client::LinkDriver;
use leptos::prelude::*;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

/// Called with a filter the broker or service refused (the profile stops renewing it).
pub type RefusalHook = Rc<dyn Fn(&str)>;

/// The browser-side pieces of the current connection. Each sits in its own stored value, so a
/// callback from the driver can reach the others while a command runs.
#[derive(Clone, Copy)]
struct Plumbing {
    driver: StoredValue<Option<LinkDriver>, LocalStorage>,
    storage: StoredValue<Option<LinkStorage>, LocalStorage>,
    /// Events waiting for the next frame.
    /// Events waiting for the next frame, oldest first (taken from the front in slices).
    inbox: StoredValue<VecDeque<LinkEvent>, LocalStorage>,
    frames: FrameLoop,
    on_refused: StoredValue<Option<RefusalHook>, LocalStorage>,
    tab_id: StoredValue<String>,
    /// Connections whose saved outbox this page has read back (once: a reconnect must not
    /// send it twice).
    restored: StoredValue<Vec<String>>,
}

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct LinkHandle {
    status: RwSignal<LinkStatus>,
    subscriptions: RwSignal<Vec<Subscription>>,
    problem: RwSignal<Option<String>>,
    /// Bumped when slot states, meters, blocked topics or the monitor change.
    revision: RwSignal<u64>,
    behaviour: RwSignal<ServiceBehaviour>,
    feeds: FeedsHandle,
    plumbing: Plumbing,
}

/// Events applied between two looks at the clock.
const EVENTS_PER_SLICE: usize = 256;

/// Received data applied in one frame at most, before the rest waits for the next frame.
const FRAME_BUDGET: Duration = Duration::from_millis(8);

impl LinkHandle {
    /// A handle with no connection yet; received messages go to `feeds`, applied as the first
    /// step of each of `frames`.
    pub fn new(feeds: FeedsHandle, frames: FrameLoop) -> Self {
        let handle = Self {
            status: RwSignal::new(LinkStatus::Idle),
            subscriptions: RwSignal::new(Vec::new()),
            problem: RwSignal::new(None),
            revision: RwSignal::new(0),
            behaviour: RwSignal::new(ServiceBehaviour::new(ServiceKind::Generic, None)),
            feeds,
            plumbing: Plumbing {
                driver: StoredValue::new_local(None),
                storage: StoredValue::new_local(None),
                inbox: StoredValue::new_local(VecDeque::new()),
                frames,
                on_refused: StoredValue::new_local(None),
                tab_id: StoredValue::new(random_id("")),
                restored: StoredValue::new(Vec::new()),
            },
        };
        let inbox = handle.plumbing.inbox;
        frames.add_step(move || {
            // A backlog (a burst, a persistent session flushing its queue) is applied in slices
            // of a few milliseconds, a frame each, in arrival order: the page keeps drawing and
            // answering, and the newest value of every feed lands a few frames later at most.
            let started = now();
            loop {
                // `try_`: a frame scheduled just before the page (or a test's app) unmounted.
                let Some(slice) = inbox.try_update_value(|inbox| {
                    let take = inbox.len().min(EVENTS_PER_SLICE);
                    inbox.drain(..take).collect::<Vec<_>>()
                }) else {
                    return;
                };
                if slice.is_empty() {
                    return;
                }
                handle.apply(slice);
                let left = inbox.try_with_value(VecDeque::len).unwrap_or(0);
                if left > 0 && now().saturating_since(started) >= FRAME_BUDGET {
                    frames.request();
                    return;
                }
            }
        });
        handle
    }

    /// Calls `hook` with every subscription the broker or service refuses.
    pub fn on_refused(&self, hook: RefusalHook) {
        self.plumbing.on_refused.set_value(Some(hook));
    }

    // ---- what the page shows -------------------------------------------------------------

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

    fn driver(&self) -> Option<LinkDriver> {
        self.plumbing.driver.try_get_value().flatten()
    }

    /// Reads the connection core (slot states, blocked topics, the ban, the monitor); a
    /// reactive reader re-runs whenever the core reports a change. `None` without a connection.
    pub fn read<R>(&self, read: impl FnOnce(&Link) -> R) -> Option<R> {
        self.revision.track();
        self.driver()?.read(read)
    }

    /// Every limited class's meter now (the other tabs' spends read first).
    pub fn meters(&self) -> Vec<Meter> {
        self.sync();
        self.read(|link| link.meters(now())).unwrap_or_default()
    }

    /// Whether the other tabs of the account are told (the browser gave storage).
    pub fn shared_between_tabs(&self) -> bool {
        self.revision.track();
        self.plumbing
            .storage
            .try_with_value(|s| s.as_ref().is_some_and(LinkStorage::shares))
            .unwrap_or(false)
    }

    // ---- commands ------------------------------------------------------------------------

    /// Runs a command on the link, after taking in what the account's other tabs did. Without
    /// a connection, or while the link is busy, nothing runs and the error says why: callers
    /// refuse the action then (the budgets fail closed).
    fn command<R>(&self, command: impl FnOnce(&mut Link, Instant) -> R) -> Result<R, String> {
        self.sync();
        let driver = self
            .driver()
            .ok_or_else(|| "connect to a broker first".to_owned())?;
        driver
            .command(command)
            .ok_or_else(|| "the connection is busy; try again".to_owned())
    }

    fn sync(&self) {
        let changes = self
            .plumbing
            .storage
            .try_update_value(|s| s.as_mut().map(LinkStorage::read_others))
            .flatten()
            .unwrap_or_default();
        if let (false, Some(driver)) = (changes.is_empty(), self.driver()) {
            driver.command(|link, _| changes.into_iter().for_each(|c| link.handle_shared(c)));
        }
    }

    /// Connects with `settings`, replacing any current connection (subscriptions and waiting
    /// publishes carry over to the same account).
    /// Returns false when the URL cannot be used (the status says why): nothing started.
    pub fn connect(&self, settings: &ConnectionSettings) -> bool {
        if let Err(error) = check_broker_url(&settings.url, page_is_secure()) {
            self.status.set(LinkStatus::Failed(error.to_string()));
            return false;
        }
        let carried = self
            .command(|old, now| {
                let carried = old.hand_over(settings);
                old.disconnect(now);
                carried
            })
            .ok();
        let link = Link::new(settings.clone(), random_seed(), carried);
        self.behaviour.set(link.behaviour().clone());
        let storage = LinkStorage::open(
            settings,
            link.is_limited(),
            &self.plumbing.tab_id.get_value(),
        );
        self.plumbing.storage.set_value(Some(storage));
        let handle = *self;
        let driver = LinkDriver::new(link, move || handle.take_events());
        self.plumbing.driver.set_value(Some(driver));
        self.problem.set(None);
        let key = saved_outbox::key_for(settings);
        if !self
            .plumbing
            .restored
            .with_value(|done| done.contains(&key))
        {
            self.plumbing.restored.update_value(|done| done.push(key));
            let saved = saved_outbox::take(settings);
            self.act(|link, now| link.restore(now, saved));
        }
        self.act(|link, now| link.connect(now));
        true
    }

    /// Runs a command that answers nothing; if it cannot run, the page says why.
    fn act(&self, command: impl FnOnce(&mut Link, Instant)) {
        if let Err(why) = self.command(command) {
            self.problem.set(Some(why));
        }
    }

    /// Skips the wait before the next reconnect attempt (the connection budget still applies).
    pub fn reconnect_now(&self) {
        self.act(|link, now| link.reconnect_now(now));
    }

    /// Disconnects (or stops reconnecting); subscriptions are kept for the next connect.
    pub fn disconnect(&self) {
        self.act(|link, now| link.disconnect(now));
    }

    /// Subscribes to `filter`: now if connected and the budget allows, else on connect.
    /// Returns whether it was taken; if not, [`LinkHandle::problem`] says why.
    pub fn subscribe(&self, filter: &str, qos: QoS) -> bool {
        let result = self
            .command(|link, now| link.subscribe(now, filter, qos))
            .and_then(|subscribed| subscribed);
        self.report(result)
    }

    /// Unsubscribes from `filter`.
    pub fn unsubscribe(&self, filter: &str) -> bool {
        let result = self
            .command(|link, now| link.unsubscribe(now, filter))
            .and_then(|unsubscribed| unsubscribed);
        self.report(result)
    }

    fn report(&self, result: Result<(), String>) -> bool {
        self.refresh_subscriptions();
        let ok = result.is_ok();
        self.problem.set(result.err());
        ok
    }

    /// Publishes through the budgets on behalf of `slot`; see [`Link::publish`].
    pub fn publish(
        &self,
        slot: SlotId,
        topic: &str,
        payload: &[u8],
        qos: QoS,
        retain: bool,
    ) -> Result<(), String> {
        self.command(|link, now| link.publish(now, slot, topic, payload, qos, retain))
            .and_then(|taken| taken)
    }

    /// The dashboard shows these feeds and wants this much of their past (see
    /// [`crate::history::target::wants`]); the core reads each span once.
    pub fn want_history(&self, wants: &[(FeedRef, f64)]) {
        let wall_now = wall_clock_millis();
        let _ = self.command(|link, now| {
            for (feed, span) in wants {
                link.want_history(now, wall_now, feed, *span);
            }
        });
    }

    /// Where the read of `target`'s history stands (reactive, like [`LinkHandle::read`]).
    pub fn history_state(&self, target: &ReadTarget) -> Option<HistoryState> {
        self.read(|link| link.history_state(target).cloned())
            .flatten()
    }

    /// Lets publishing to `topic` go again (without a connection nothing is blocked).
    pub fn unblock(&self, topic: &str) {
        let _ = self.command(|link, _| link.unblock(topic));
    }
}
