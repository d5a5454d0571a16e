//! The UI's handle on the broker connection: signals to read, methods to act.
//!
//! Events from the client are queued and applied to the signals once per animation frame, so a
//! burst of a thousand messages costs one re-render, and no message is dropped on the way.
//! Received messages go to the [`FeedsHandle`].

use super::budget_handle::BudgetHandle;
use super::feeds_handle::FeedsHandle;
use crate::budget::action::Request;
use crate::budget::budgets::{BudgetSettings, Decision, NoticeEffect};
use crate::budget::notice::Notice;
use crate::budget::publish_queue::{PendingPublish, SlotState};
use crate::feeds::ingest::ServiceNotice;
use crate::mqtt::outbox_record::{SavedPublish, Unacknowledged};
use crate::mqtt::reconnect::ReconnectPolicy;
use crate::mqtt::topic::filter_matches;
use crate::mqtt::{DisconnectReason, Event, QoS, SessionConfig, Subscription, SubscriptionStatus};
use crate::platform::clock::wall_clock_millis;
use crate::platform::frame::FrameScheduler;
use crate::platform::saved_outbox::{keep, key_for, take};
use crate::service::behaviour::ServiceBehaviour;
use crate::service::{ServiceDescriptor, ServiceKind};
use crate::transport::broker_url::check_broker_url;
use crate::transport::client::MqttClient;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Where the connection stands, as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkStatus {
    /// Never connected, or disconnected by the user.
    Idle,
    /// Opening the socket or waiting for CONNACK.
    Connecting,
    /// Connected.
    Connected,
    /// The connection failed or was lost; the text says why.
    Failed(String),
    /// The connection was lost and the next attempt is due at `retry_at_ms` (wall clock).
    Reconnecting {
        /// Why the last connection ended.
        reason: String,
        /// When the next attempt starts, ms since the Unix epoch.
        retry_at_ms: f64,
    },
}

impl LinkStatus {
    /// Whether a connection is up or on its way (the form is locked, Disconnect is offered).
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            Self::Connected | Self::Connecting | Self::Reconnecting { .. }
        )
    }

    /// A one-word label.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Idle => "Disconnected",
            Self::Connecting => "Connecting…",
            Self::Connected => "Connected",
            Self::Failed(_) => "Connection failed",
            Self::Reconnecting { .. } => "Reconnecting…",
        }
    }
}

/// What the user typed into the connection form.
#[derive(Clone, PartialEq)]
pub struct ConnectionSettings {
    /// Which service the broker is.
    pub service: ServiceKind,
    /// ws:// or wss:// URL.
    pub url: String,
    /// Client identifier; empty lets the broker choose.
    pub client_id: String,
    /// Optional user name.
    pub username: String,
    /// Optional password; kept in memory only.
    pub password: String,
    /// The plan and safety margin the rate budgets follow.
    pub budget: BudgetSettings,
    /// Start a clean session; `false` asks the broker to keep it (and queue QoS 1/2 messages
    /// for this client ID) while the page is away.
    pub clean_session: bool,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            service: ServiceKind::Generic,
            url: String::new(),
            client_id: String::new(),
            username: String::new(),
            password: String::new(),
            budget: BudgetSettings::default(),
            clean_session: true,
        }
    }
}

impl std::fmt::Debug for ConnectionSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionSettings")
            .field("service", &self.service)
            .field("url", &self.url)
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("budget", &self.budget)
            .field("clean_session", &self.clean_session)
            .finish_non_exhaustive()
    }
}

impl ConnectionSettings {
    fn session_config(&self) -> SessionConfig {
        let optional = |text: &str| (!text.is_empty()).then(|| text.to_owned());
        let limits = ServiceDescriptor::of(self.service).action_limits;
        SessionConfig {
            client_id: self.client_id.trim().to_owned(),
            username: optional(self.username.trim()),
            password: optional(&self.password),
            reconnect: Some(ReconnectPolicy {
                first_delay: limits.min_reconnect_delay,
                ..ReconnectPolicy::default()
            }),
            random_seed: (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64,
            // Resends after a reconnect are publishes too: the budgets release them.
            hold_resends: true,
            clean_session: self.clean_session,
            ..SessionConfig::default()
        }
    }
}

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct MqttHandle {
    status: RwSignal<LinkStatus>,
    subscriptions: RwSignal<Vec<Subscription>>,
    notice: RwSignal<Option<String>>,
    client: StoredValue<Option<MqttClient>, LocalStorage>,
    behaviour: RwSignal<ServiceBehaviour>,
    inbox: StoredValue<Option<Inbox>, LocalStorage>,
    feeds: FeedsHandle,
    budget: BudgetHandle,
    /// Wakes the publish queue when a budget frees up.
    wake: StoredValue<Option<Timeout>, LocalStorage>,
    /// QoS 1/2 publishes not acknowledged yet, kept in storage under `outbox_key`.
    unacked: StoredValue<Unacknowledged>,
    outbox_key: StoredValue<Option<String>>,
    /// Storage keys already read back in this page (once per load, not per reconnect).
    restored: StoredValue<Vec<String>>,
}

/// Events waiting for the next frame, each tagged with the connection attempt it came from.
#[derive(Clone)]
struct Inbox {
    queue: Rc<RefCell<Vec<(u64, Event)>>>,
    /// The current connection attempt; state changes from older ones are stale.
    generation: Rc<std::cell::Cell<u64>>,
    scheduler: FrameScheduler,
}

impl MqttHandle {
    /// A handle with no connection yet; received messages go to `feeds`, and every outgoing
    /// action asks `budget` first.
    pub fn new(feeds: FeedsHandle, budget: BudgetHandle) -> Self {
        let handle = Self {
            status: RwSignal::new(LinkStatus::Idle),
            subscriptions: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            client: StoredValue::new_local(None),
            behaviour: RwSignal::new(ServiceBehaviour::new(ServiceKind::Generic, None)),
            inbox: StoredValue::new_local(None),
            feeds,
            budget,
            wake: StoredValue::new_local(None),
            unacked: StoredValue::new(Unacknowledged::default()),
            outbox_key: StoredValue::new(None),
            restored: StoredValue::new(Vec::new()),
        };
        let queue: Rc<RefCell<Vec<(u64, Event)>>> = Rc::default();
        let generation: Rc<std::cell::Cell<u64>> = Rc::default();
        let scheduler = {
            let queue = queue.clone();
            let generation = generation.clone();
            FrameScheduler::new(move || {
                let events = std::mem::take(&mut *queue.borrow_mut());
                // A frame scheduled just before the page (or a test's app) unmounted.
                if handle.status.is_disposed() {
                    return;
                }
                handle.apply_events(events, generation.get());
            })
        };
        handle.inbox.set_value(Some(Inbox {
            queue,
            generation,
            scheduler,
        }));
        handle
    }

    /// The connection state.
    pub fn status(&self) -> Signal<LinkStatus> {
        self.status.into()
    }

    /// Subscriptions with the broker's answers.
    pub fn subscriptions(&self) -> Signal<Vec<Subscription>> {
        self.subscriptions.into()
    }

    /// The last command the page could not carry out, in words.
    pub fn notice(&self) -> Signal<Option<String>> {
        self.notice.into()
    }

    /// The rate budgets every outgoing action passes through.
    pub fn budget(&self) -> BudgetHandle {
        self.budget
    }

    /// The service the connection is for, with its user, without tracking.
    pub fn behaviour_untracked(&self) -> ServiceBehaviour {
        self.behaviour.get_untracked()
    }

    /// The service the connection is for, with its user (reactive).
    pub fn behaviour(&self) -> ServiceBehaviour {
        self.behaviour.get()
    }

    fn current_client(&self) -> Option<MqttClient> {
        self.client
            .try_with_value(|client| client.clone())
            .flatten()
    }

    /// Connects with `settings`, replacing any current connection and keeping its subscriptions.
    pub fn connect(&self, settings: &ConnectionSettings) {
        if let Err(error) = check_broker_url(&settings.url, page_is_secure()) {
            self.status.set(LinkStatus::Failed(error.to_string()));
            return;
        }
        let Some(inbox) = self.inbox.get_value() else {
            return;
        };
        let previous = self.current_client();
        let username = settings.username.trim();
        let behaviour = ServiceBehaviour::new(settings.service, Some(username));
        // Subscriptions carry over only to the same account: another user's topics would be
        // refused, and on Adafruit IO refused SUBSCRIBEs count toward a ban.
        let same_account = self.behaviour.with_untracked(|old| *old == behaviour);
        let carried: Vec<Subscription> = previous
            .as_ref()
            .filter(|_| same_account)
            .map(MqttClient::subscriptions)
            .unwrap_or_default();
        if let Some(previous) = previous {
            self.client.set_value(None);
            previous.disconnect();
        }
        self.budget
            .configure(settings.service, Some(username), &settings.budget);
        let generation = inbox.generation.get() + 1;
        inbox.generation.set(generation);
        let client = MqttClient::new(&settings.url, settings.session_config(), move |event| {
            inbox.queue.borrow_mut().push((generation, event));
            inbox.scheduler.request();
        });
        let budget = self.budget;
        client.set_connect_gate(Rc::new(move |now, renewals| {
            match budget.decide(&Request::Connect { renewals }, "connection attempt") {
                Decision::Go => None,
                Decision::Wait { until, .. } => Some(until),
                // A renewal bigger than the whole budget: try once it has fully returned.
                Decision::Refuse(_) => Some(now + std::time::Duration::from_secs(60)),
            }
        }));
        let automatic = behaviour.automatic_subscriptions();
        self.behaviour.set(behaviour);
        for subscription in &carried {
            let _ = client.subscribe(&subscription.filter, subscription.requested);
        }
        for filter in &automatic {
            let _ = client.subscribe(filter, QoS::AtMostOnce);
        }
        self.subscriptions.set(client.subscriptions());
        self.status.set(LinkStatus::Connecting);
        self.notice.set(None);
        self.client.set_value(Some(client.clone()));
        self.restore_outbox(settings);
        client.connect();
    }

    /// Puts back the publishes a previous load of this page left unacknowledged on this
    /// connection (once per load; they go through the budgets again).
    fn restore_outbox(&self, settings: &ConnectionSettings) {
        let service = format!("{:?}", settings.service);
        let key = key_for(&service, settings.url.trim(), settings.username.trim());
        self.outbox_key.set_value(Some(key.clone()));
        if self.restored.with_value(|done| done.contains(&key)) {
            return;
        }
        self.restored.update_value(|done| done.push(key.clone()));
        for (index, saved) in take(&key).into_iter().enumerate() {
            let slot = format!("restored-{index}");
            if let Err(reason) =
                self.publish(&slot, &saved.topic, &saved.payload, saved.qos, saved.retain)
            {
                self.notice.set(Some(format!(
                    "a message kept from before the reload to {} could not be sent: {reason}",
                    saved.topic
                )));
            }
        }
        self.keep_outbox();
    }

    /// Writes the unacknowledged publishes to storage.
    fn keep_outbox(&self) {
        let Some(key) = self.outbox_key.get_value() else {
            return;
        };
        let saved = self.unacked.with_value(Unacknowledged::saved);
        if !keep(&key, &saved) && !saved.is_empty() {
            self.notice.set(Some(
                "this browser does not keep unacknowledged messages: a reload would lose them"
                    .to_owned(),
            ));
        }
    }

    /// Reconnects at once when the browser comes back online or the tab is shown again, instead
    /// of waiting out the backoff (a laptop waking up, a phone switching networks).
    pub fn reconnect_promptly(&self) {
        let handle = *self;
        let retry = move |_: web_sys::Event| {
            let hidden = document().hidden();
            let waiting = matches!(
                handle.status.get_untracked(),
                LinkStatus::Reconnecting { .. }
            );
            if waiting && !hidden {
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
        if let Some(client) = self.current_client() {
            self.status.set(LinkStatus::Connecting);
            client.connect();
        }
    }

    /// Disconnects (or stops reconnecting); subscriptions are kept for the next connect.
    pub fn disconnect(&self) {
        if let Some(client) = self.current_client() {
            client.disconnect();
        }
    }

    /// Subscribes to `filter` (now if connected and the budget allows, else on connect).
    pub fn subscribe(&self, filter: &str, qos: QoS) {
        let filter = filter.trim();
        let Some(client) = self.current_client() else {
            self.notice
                .set(Some("connect to a broker before subscribing".to_owned()));
            return;
        };
        if client.is_connected() {
            let action = format!("subscribe to {filter}");
            match self
                .budget
                .decide(&Request::Subscribe { filters: 1 }, &action)
            {
                Decision::Go => {}
                Decision::Wait { until, hold } => {
                    let seconds = until
                        .saturating_since(crate::platform::clock::now())
                        .as_secs()
                        + 1;
                    self.notice.set(Some(format!(
                        "not subscribed yet: {hold}; try again in {seconds} s"
                    )));
                    return;
                }
                Decision::Refuse(refusal) => {
                    self.notice.set(Some(refusal.to_string()));
                    return;
                }
            }
        }
        match client.subscribe(filter, qos) {
            Ok(()) => {
                self.notice.set(None);
                self.subscriptions.set(client.subscriptions());
            }
            Err(error) => self.notice.set(Some(error.to_string())),
        }
    }

    /// Subscribes to `topic` unless a subscription already covers it (a control following
    /// its feed).
    pub fn follow(&self, topic: &str) {
        let covered = self
            .subscriptions
            .with_untracked(|subs| subs.iter().any(|s| filter_matches(&s.filter, topic)));
        if !covered {
            self.subscribe(topic, QoS::AtMostOnce);
        }
    }

    /// Unsubscribes from `filter`.
    pub fn unsubscribe(&self, filter: &str) {
        if let Some(client) = self.current_client() {
            if let Err(error) = client.unsubscribe(filter) {
                self.notice.set(Some(error.to_string()));
            }
            self.subscriptions.set(client.subscriptions());
        }
    }

    /// Publishes through the budgets on behalf of `slot` (a control; a newer publish from the
    /// same slot replaces one still waiting). A publish the service would refuse is refused
    /// here with the reason; otherwise it goes now, or waits for its budget (see
    /// [`BudgetHandle::slot_state`]).
    pub fn publish(
        &self,
        slot: &str,
        topic: &str,
        payload: &[u8],
        qos: QoS,
        retain: bool,
    ) -> Result<(), String> {
        if self.current_client().is_none() {
            return Err("connect to a broker before publishing".to_owned());
        }
        let behaviour = self.behaviour.get_untracked();
        behaviour.check_publish(topic, payload.len(), qos, retain)?;
        crate::mqtt::topic::validate_topic_name(topic)?;
        self.unacked.update_value(|unacked| {
            unacked.made(
                slot,
                SavedPublish {
                    topic: topic.to_owned(),
                    payload: payload.to_vec(),
                    qos,
                    retain,
                },
            )
        });
        self.budget.submit(PendingPublish {
            slot: slot.to_owned(),
            topic: topic.to_owned(),
            payload: payload.to_vec(),
            qos,
            retain,
            request: Request::publish(topic, behaviour.publish_cost(topic, payload)),
        });
        self.pump_publishes();
        Ok(())
    }

    /// Sends what the budgets allow now: waiting publishes, then publishes held back after a
    /// reconnect; and wakes up again when the next one may go.
    fn pump_publishes(&self) {
        let Some(client) = self.current_client() else {
            return;
        };
        let connected = client.is_connected();
        for publish in self.budget.release(connected) {
            match client.publish(
                &publish.topic,
                &publish.payload,
                publish.qos,
                publish.retain,
            ) {
                Ok(Some(packet_id)) => self
                    .unacked
                    .update_value(|unacked| unacked.handed_over(&publish.slot, packet_id)),
                Ok(None) => {}
                Err(error) => {
                    self.unacked
                        .update_value(|unacked| unacked.dropped(&publish.slot));
                    self.notice.set(Some(error.to_string()));
                }
            }
        }
        // Publishes the budgets refused will never go: nothing to keep for them.
        for slot in self.unacked.with_value(Unacknowledged::waiting_slots) {
            if matches!(self.budget.slot_state(&slot), Some(SlotState::Refused(_))) {
                self.unacked.update_value(|unacked| unacked.dropped(&slot));
            }
        }
        self.keep_outbox();
        let resend_at = if connected {
            self.release_held(&client)
        } else {
            None
        };
        let next = [self.budget.next_wake(), resend_at]
            .into_iter()
            .flatten()
            .min();
        self.wake_at(next);
    }

    /// Sends publishes held back after a reconnect while the budgets allow; returns when the
    /// next may go, if one waits.
    fn release_held(&self, client: &MqttClient) -> Option<crate::time::Instant> {
        while let Some((topic, payload)) = client.held_publishes().into_iter().next() {
            let cost = self
                .behaviour
                .with_untracked(|b| b.publish_cost(&topic, &payload));
            let action = format!("resend to {topic}");
            match self.budget.decide(&Request::publish(&topic, cost), &action) {
                Decision::Go => {
                    client.transmit_held();
                }
                Decision::Wait { until, .. } => return Some(until),
                // The service refused this topic meanwhile: sending it again would only count
                // another refusal. It stays unacknowledged; the monitor says why.
                Decision::Refuse(_) => return None,
            }
        }
        None
    }

    fn wake_at(&self, at: Option<crate::time::Instant>) {
        let handle = *self;
        let timer = at.map(|at| {
            let delay = at.saturating_since(crate::platform::clock::now());
            let millis = u32::try_from(delay.as_millis())
                .unwrap_or(u32::MAX)
                .saturating_add(5);
            Timeout::new(millis, move || {
                if !handle.status.is_disposed() {
                    handle.pump_publishes();
                }
            })
        });
        // Replacing the old timer cancels it.
        self.wake.set_value(timer);
    }

    fn apply_events(self, events: Vec<(u64, Event)>, current: u64) {
        if events.is_empty() {
            return;
        }
        let now = wall_clock_millis();
        let mut messages = Vec::new();
        let mut subscriptions_changed = false;
        let mut connected = false;
        for (generation, event) in events {
            // Messages count whichever connection brought them; state changes only from the current.
            if let Event::Message(message) = event {
                messages.push(message);
                continue;
            }
            if generation != current {
                continue;
            }
            match event {
                Event::Connected { .. } => {
                    connected = true;
                    self.status.set(LinkStatus::Connected);
                }
                Event::Disconnected(DisconnectReason::ClosedByClient) => {
                    self.status.set(LinkStatus::Idle)
                }
                Event::Disconnected(reason) => {
                    self.status.set(LinkStatus::Failed(reason.to_string()))
                }
                Event::Subscribed { filter, status } => {
                    subscriptions_changed = true;
                    if matches!(status, SubscriptionStatus::Granted(_)) {
                        self.ask_for_last_value(&filter);
                    }
                }
                Event::Unsubscribed { .. } => subscriptions_changed = true,
                Event::ReconnectScheduled { delay, .. } => {
                    let reason = match self.status.get_untracked() {
                        LinkStatus::Failed(reason) | LinkStatus::Reconnecting { reason, .. } => {
                            reason
                        }
                        _ => "waiting for the connection budget".to_owned(),
                    };
                    let retry_at_ms = wall_clock_millis() + delay.as_secs_f64() * 1000.0;
                    self.status.set(LinkStatus::Reconnecting {
                        reason,
                        retry_at_ms,
                    });
                }
                Event::ReconnectDue => self.status.set(LinkStatus::Connecting),
                Event::Delivered { packet_id } => {
                    if self.unacked.try_update_value(|u| u.delivered(packet_id)) == Some(true) {
                        self.keep_outbox();
                    }
                }
                Event::Message(_) => {}
            }
        }
        if !messages.is_empty() {
            let service = self.behaviour.with_untracked(|b| b.descriptor.kind);
            let filters: Vec<String> = self
                .current_client()
                .map(|client| client.subscriptions())
                .unwrap_or_default()
                .into_iter()
                .map(|subscription| subscription.filter)
                .collect();
            let notices = self.feeds.ingest(&messages, service, &filters, now);
            if !notices.is_empty() {
                subscriptions_changed |= self.act_on_notices(&notices);
            }
        }
        if connected {
            self.pump_publishes();
        }
        if subscriptions_changed {
            if let Some(client) = self.current_client() {
                self.subscriptions.set(client.subscriptions());
            }
        }
    }

    /// Feeds the service's notices to the budgets and acts on what they mean. Returns whether
    /// a subscription changed.
    fn act_on_notices(&self, notices: &[ServiceNotice]) -> bool {
        let parsed: Vec<Notice> = notices
            .iter()
            .map(|notice| match notice {
                ServiceNotice::Throttle(text) | ServiceNotice::Error(text) => Notice::parse(text),
            })
            .collect();
        let mut changed = false;
        for effect in self.budget.apply_notices(&parsed) {
            if let (NoticeEffect::RefusedSubscription(filter), Some(client)) =
                (effect, self.current_client())
            {
                client.mark_refused(&filter);
                changed = true;
            }
        }
        // Paused classes may hold waiting publishes longer: re-plan the wake-up.
        self.pump_publishes();
        changed
    }

    /// On services without retain (Adafruit IO), a granted subscription asks for the last
    /// value (a publish like any other, through the budgets).
    fn ask_for_last_value(&self, filter: &str) {
        let follow_up = self
            .behaviour
            .with_untracked(|b| b.after_subscribed(filter));
        if let Some((topic, payload)) = follow_up {
            let slot = format!("get:{topic}");
            if let Err(reason) = self.publish(&slot, &topic, payload, QoS::AtMostOnce, false) {
                self.notice.set(Some(reason));
            }
        }
    }
}

fn page_is_secure() -> bool {
    web_sys::window()
        .and_then(|window| window.location().protocol().ok())
        .is_some_and(|protocol| protocol == "https:")
}
