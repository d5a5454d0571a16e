//! The UI's handle on the broker connection: signals to read, methods to act.
//!
//! Events from the client are queued and applied to the signals once per animation frame, so a
//! burst of a thousand messages costs one re-render, and no message is dropped on the way.
//! Received messages go to the [`FeedsHandle`].

use super::feeds_handle::FeedsHandle;
use crate::mqtt::reconnect::ReconnectPolicy;
use crate::mqtt::{DisconnectReason, Event, QoS, SessionConfig, Subscription, SubscriptionStatus};
use crate::platform::clock::wall_clock_millis;
use crate::platform::frame::FrameScheduler;
use crate::service::behaviour::ServiceBehaviour;
use crate::service::{ServiceDescriptor, ServiceKind};
use crate::transport::broker_url::check_broker_url;
use crate::transport::client::MqttClient;
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
#[derive(Clone, PartialEq, Eq)]
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
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            service: ServiceKind::Generic,
            url: String::new(),
            client_id: String::new(),
            username: String::new(),
            password: String::new(),
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
    behaviour: StoredValue<ServiceBehaviour>,
    inbox: StoredValue<Inbox, LocalStorage>,
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
    /// A handle with no connection yet; received messages go to `feeds`.
    pub fn new(feeds: FeedsHandle) -> Self {
        let status = RwSignal::new(LinkStatus::Idle);
        let subscriptions = RwSignal::new(Vec::new());
        let notice = RwSignal::new(None);
        let client = StoredValue::new_local(None::<MqttClient>);
        let behaviour = StoredValue::new(ServiceBehaviour::new(ServiceKind::Generic, None));
        let queue: Rc<RefCell<Vec<(u64, Event)>>> = Rc::default();
        let generation: Rc<std::cell::Cell<u64>> = Rc::default();
        let scheduler = {
            let queue = queue.clone();
            let generation = generation.clone();
            FrameScheduler::new(move || {
                let events = std::mem::take(&mut *queue.borrow_mut());
                // A frame scheduled just before the page (or a test's app) unmounted.
                if status.is_disposed() {
                    return;
                }
                let signals = Signals {
                    status,
                    subscriptions,
                    feeds,
                    client,
                    behaviour,
                };
                apply_events(events, generation.get(), signals);
            })
        };
        let inbox = StoredValue::new_local(Inbox {
            queue,
            generation,
            scheduler,
        });
        Self {
            status,
            subscriptions,
            notice,
            client,
            behaviour,
            inbox,
        }
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

    /// Connects with `settings`, replacing any current connection and keeping its subscriptions.
    pub fn connect(&self, settings: &ConnectionSettings) {
        if let Err(error) = check_broker_url(&settings.url, page_is_secure()) {
            self.status.set(LinkStatus::Failed(error.to_string()));
            return;
        }
        let previous = self.client.with_value(|client| client.clone());
        let behaviour = ServiceBehaviour::new(settings.service, Some(settings.username.trim()));
        // Subscriptions carry over only to the same account: another user's topics would be
        // refused, and on Adafruit IO refused SUBSCRIBEs count toward a ban.
        let same_account = self.behaviour.with_value(|old| *old == behaviour);
        let carried: Vec<Subscription> = previous
            .as_ref()
            .filter(|_| same_account)
            .map(MqttClient::subscriptions)
            .unwrap_or_default();
        if let Some(previous) = previous {
            self.client.set_value(None);
            previous.disconnect();
        }
        let inbox = self.inbox.get_value();
        let generation = inbox.generation.get() + 1;
        inbox.generation.set(generation);
        let client = MqttClient::new(&settings.url, settings.session_config(), move |event| {
            inbox.queue.borrow_mut().push((generation, event));
            inbox.scheduler.request();
        });
        let automatic = behaviour.automatic_subscriptions();
        self.behaviour.set_value(behaviour);
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
        client.connect();
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

    /// Skips the wait before the next reconnect attempt.
    pub fn reconnect_now(&self) {
        if let Some(client) = self.client.with_value(|client| client.clone()) {
            self.status.set(LinkStatus::Connecting);
            client.connect();
        }
    }

    /// Disconnects (or stops reconnecting); subscriptions are kept for the next connect.
    pub fn disconnect(&self) {
        if let Some(client) = self.client.with_value(|client| client.clone()) {
            client.disconnect();
        }
    }

    /// Subscribes to `filter` (now if connected, else on connect).
    pub fn subscribe(&self, filter: &str, qos: QoS) {
        let filter = filter.trim();
        let result = match self.client.with_value(|client| client.clone()) {
            Some(client) => client.subscribe(filter, qos).map(|()| client),
            None => Err(crate::mqtt::CommandError::NotConnected),
        };
        match result {
            Ok(client) => {
                self.notice.set(None);
                self.subscriptions.set(client.subscriptions());
            }
            Err(crate::mqtt::CommandError::NotConnected) => self
                .notice
                .set(Some("connect to a broker before subscribing".to_owned())),
            Err(error) => self.notice.set(Some(error.to_string())),
        }
    }

    /// Unsubscribes from `filter`.
    pub fn unsubscribe(&self, filter: &str) {
        if let Some(client) = self.client.with_value(|client| client.clone()) {
            if let Err(error) = client.unsubscribe(filter) {
                self.notice.set(Some(error.to_string()));
            }
            self.subscriptions.set(client.subscriptions());
        }
    }

    /// Publishes a message; problems are shown as the notice.
    pub fn publish(&self, topic: &str, payload: &[u8], qos: QoS, retain: bool) -> bool {
        let Some(client) = self.client.with_value(|client| client.clone()) else {
            self.notice
                .set(Some("connect to a broker before publishing".to_owned()));
            return false;
        };
        let allowed = self
            .behaviour
            .with_value(|b| b.check_publish(topic, payload.len(), qos, retain));
        if let Err(reason) = allowed {
            self.notice.set(Some(reason));
            return false;
        }
        match client.publish(topic, payload, qos, retain) {
            Ok(_) => true,
            Err(error) => {
                self.notice.set(Some(error.to_string()));
                false
            }
        }
    }
}

/// The signals the frame callback writes.
struct Signals {
    status: RwSignal<LinkStatus>,
    subscriptions: RwSignal<Vec<Subscription>>,
    feeds: FeedsHandle,
    client: StoredValue<Option<MqttClient>, LocalStorage>,
    behaviour: StoredValue<ServiceBehaviour>,
}

fn apply_events(events: Vec<(u64, Event)>, current: u64, signals: Signals) {
    if events.is_empty() {
        return;
    }
    let now = wall_clock_millis();
    let mut messages = Vec::new();
    let mut subscriptions_changed = false;
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
            Event::Connected { .. } => signals.status.set(LinkStatus::Connected),
            Event::Disconnected(DisconnectReason::ClosedByClient) => {
                signals.status.set(LinkStatus::Idle)
            }
            Event::Disconnected(reason) => {
                signals.status.set(LinkStatus::Failed(reason.to_string()))
            }
            Event::Subscribed { filter, status } => {
                subscriptions_changed = true;
                if matches!(status, SubscriptionStatus::Granted(_)) {
                    ask_for_last_value(&signals, &filter);
                }
            }
            Event::Unsubscribed { .. } => subscriptions_changed = true,
            Event::ReconnectScheduled { delay, .. } => {
                let reason = match signals.status.get_untracked() {
                    LinkStatus::Failed(reason) | LinkStatus::Reconnecting { reason, .. } => reason,
                    _ => "the connection was lost".to_owned(),
                };
                let retry_at_ms = wall_clock_millis() + delay.as_secs_f64() * 1000.0;
                signals.status.set(LinkStatus::Reconnecting {
                    reason,
                    retry_at_ms,
                });
            }
            Event::ReconnectDue => signals.status.set(LinkStatus::Connecting),
            Event::Message(_) | Event::Delivered { .. } => {}
        }
    }
    if !messages.is_empty() {
        let service = signals.behaviour.with_value(|b| b.descriptor.kind);
        let filters: Vec<String> = signals
            .client
            .with_value(|client| client.as_ref().map(MqttClient::subscriptions))
            .unwrap_or_default()
            .into_iter()
            .map(|subscription| subscription.filter)
            .collect();
        signals.feeds.ingest(&messages, service, &filters, now);
    }
    if subscriptions_changed {
        if let Some(client) = signals.client.with_value(|client| client.clone()) {
            signals.subscriptions.set(client.subscriptions());
        }
    }
}

/// On services without retain (Adafruit IO), a granted subscription asks for the last value.
fn ask_for_last_value(signals: &Signals, filter: &str) {
    let follow_up = signals.behaviour.with_value(|b| b.after_subscribed(filter));
    let client = signals.client.with_value(|client| client.clone());
    if let (Some((topic, payload)), Some(client)) = (follow_up, client) {
        let _ = client.publish(&topic, payload, QoS::AtMostOnce, false);
    }
}

fn page_is_secure() -> bool {
    web_sys::window()
        .and_then(|window| window.location().protocol().ok())
        .is_some_and(|protocol| protocol == "https:")
}
