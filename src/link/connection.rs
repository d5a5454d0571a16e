//! [`Link`]: one connection to a broker or service, free of I/O. It owns the MQTT [`Session`],
//! the rate [`Budgets`], the table of outgoing publishes, the service's behaviour and the
//! monitor's history, and decides everything between them: which action may go now, which
//! waits and why, what a service notice means, what the saved outbox must keep.
//!
//! Its face is the session's: commands ([`Link::connect`], [`Link::subscribe`],
//! [`Link::publish`], …), inputs ([`Link::handle_bytes`], [`Link::handle_transport_open`],
//! [`Link::handle_transport_closed`], [`Link::handle_timeout`], [`Link::handle_shared`]) and
//! outputs ([`Link::poll_transmit`], [`Link::poll_event`], [`Link::poll_timeout`]). Time is
//! always a value passed in.

use super::monitor::{Monitor, MonitorKind};
use super::outgoing::{Outgoing, Released, SlotState, Unsent};
use super::saved_publish::SavedPublish;
use super::settings::ConnectionSettings;
use super::shared::Shared;
use super::slot::SlotId;
use super::status::LinkStatus;
use crate::budget::action::ActionClass;
use crate::budget::action::Request;
use crate::budget::budgets::{Budgets, Decision, Hold, Meter, NoticeEffect, Refusal};
use crate::budget::notice::Notice;
use crate::history::{
    FetchId, HistoryBatch, HistoryReads, HistoryState, HttpRequest, HttpResponse, ReadTarget,
};
use crate::mqtt::topic::validate_topic_name;
use crate::mqtt::{
    ConnectionState, DisconnectReason, Event, Message, QoS, Session, Subscription,
    SubscriptionStatus,
};
use crate::service::behaviour::ServiceBehaviour;
use crate::service::feed_ref::FeedRef;
use crate::service::thingspeak::ThingSpeakTopic;
use crate::service::ServiceDescriptor;
use crate::time::Instant;
use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

/// How long a connection attempt that costs more than the whole budget waits: until the budget
/// has fully returned.
const UNAFFORDABLE_CONNECT_WAIT: Duration = Duration::from_secs(60);

/// What the driver must do with the socket, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transmit {
    /// Open a new socket to the broker (closing any old one), then call
    /// [`Link::handle_transport_open`] or [`Link::handle_transport_closed`].
    Open,
    /// Send these bytes (whole MQTT packets) as one binary message.
    Bytes(Vec<u8>),
    /// Close the socket.
    Close,
    /// Make this HTTP GET, then call [`Link::handle_fetch_response`] or
    /// [`Link::handle_fetch_failed`] with `id`.
    Fetch {
        /// Which fetch it is.
        id: FetchId,
        /// What to fetch.
        request: HttpRequest,
    },
}

/// What the page should know.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkEvent {
    /// A message arrived for the feeds (service notices included: the log shows them too), at
    /// this time: the moment its bytes came in, so messages applied together keep their own
    /// times.
    Message(Message, Instant),
    /// The connection's state changed.
    Status(LinkStatus),
    /// A subscription was made, answered, refused or removed.
    SubscriptionsChanged,
    /// The broker or the service refused this subscription: it will not be renewed.
    SubscriptionRefused(String),
    /// Slot states, meters, blocked topics or the monitor changed.
    Changed,
    /// The unacknowledged QoS 1/2 publishes are now these: keep them where a reload finds them.
    PersistOutbox(Vec<SavedPublish>),
    /// Tell the account's other tabs.
    Share(Shared),
    /// Something the page could not do, in words.
    Problem(String),
    /// Points of a feed's past, read from the service: merge them into its series.
    History(HistoryBatch),
}

/// What a new connection of the same account takes over from the one it replaces.
#[derive(Debug)]
pub struct Carried {
    subscriptions: Vec<(String, QoS)>,
    unsent: Vec<Unsent>,
    budgets: Option<Budgets>,
    monitor: Monitor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Socket {
    Closed,
    Opening,
    Open,
}

/// One connection. See the module documentation.
#[derive(Debug)]
pub struct Link {
    settings: ConnectionSettings,
    behaviour: ServiceBehaviour,
    session: Session,
    budgets: Budgets,
    outgoing: Outgoing,
    monitor: Monitor,
    status: LinkStatus,
    socket: Socket,
    /// When the next publish held back after a reconnect may be sent again.
    resend_at: Option<Instant>,
    /// Packet ids the table already paid for that the session keeps behind held resends.
    paid: BTreeSet<u16>,
    /// The outbox last handed out to be kept.
    persisted: Vec<SavedPublish>,
    /// Reads of feed history over the service's HTTP API.
    history: HistoryReads,
    transmit: VecDeque<Transmit>,
    events: VecDeque<LinkEvent>,
    changed: bool,
}

impl Link {
    /// A link for `settings`, not connected yet. `random_seed` spreads reconnect jitter;
    /// `carried` is what the connection it replaces hands over (see [`Link::hand_over`]).
    pub fn new(settings: ConnectionSettings, random_seed: u64, carried: Option<Carried>) -> Self {
        let (service, user) = settings.account();
        let behaviour = ServiceBehaviour::new(service, Some(user));
        let mut session = Session::new(settings.session_config(random_seed));
        let mut budgets = Budgets::new(ServiceDescriptor::of(service), &settings.budget);
        let mut outgoing = Outgoing::default();
        let mut monitor = Monitor::default();
        if let Some(carried) = carried {
            monitor = carried.monitor;
            budgets = carried.budgets.unwrap_or(budgets);
            for (filter, qos) in &carried.subscriptions {
                // Filters were valid in the session they come from.
                let _ = session.subscribe(filter, *qos);
            }
            for unsent in carried.unsent {
                outgoing.submit(unsent.slot, unsent.publish, unsent.request);
            }
        }
        for filter in behaviour.automatic_subscriptions() {
            let _ = session.subscribe(&filter, QoS::AtMostOnce);
        }
        let history = HistoryReads::new(settings.history_access());
        let mut link = Self {
            history,
            settings,
            behaviour,
            session,
            budgets,
            outgoing,
            monitor,
            status: LinkStatus::Idle,
            socket: Socket::Closed,
            resend_at: None,
            paid: BTreeSet::new(),
            persisted: Vec::new(),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            changed: true,
        };
        link.persist_if_changed();
        link
    }

    /// Ends this connection's claim on the account: what a new connection with `next`
    /// settings takes over. Subscriptions and waiting publishes carry over only to the same
    /// account (another user's topics would be refused, and on Adafruit IO refusals count
    /// toward a ban); the budgets too when the plan is the same; the monitor always.
    pub fn hand_over(&mut self, next: &ConnectionSettings) -> Carried {
        let same_account = next.account() == self.settings.account();
        let monitor = std::mem::take(&mut self.monitor);
        if !same_account {
            return Carried {
                subscriptions: Vec::new(),
                unsent: Vec::new(),
                budgets: None,
                monitor,
            };
        }
        let automatic = self.behaviour.automatic_subscriptions();
        Carried {
            subscriptions: self
                .session
                .subscriptions()
                .iter()
                .filter(|s| !automatic.contains(&s.filter))
                .map(|s| (s.filter.clone(), s.requested))
                .collect(),
            unsent: self.outgoing.take_unsent(),
            budgets: (next.budget == self.settings.budget).then(|| self.budgets.clone()),
            monitor,
        }
    }

    // ---- getters -------------------------------------------------------------------------

    /// The settings this link connects with.
    pub fn settings(&self) -> &ConnectionSettings {
        &self.settings
    }

    /// The service's behaviour for the logged-in user.
    pub fn behaviour(&self) -> &ServiceBehaviour {
        &self.behaviour
    }

    /// Where the connection stands.
    pub fn status(&self) -> &LinkStatus {
        &self.status
    }

    /// Whether the broker has accepted the connection.
    pub fn is_connected(&self) -> bool {
        self.session.state() == ConnectionState::Connected
    }

    /// The subscriptions with the broker's answers, in filter order.
    pub fn subscriptions(&self) -> Vec<Subscription> {
        self.session.subscriptions().iter().cloned().collect()
    }

    /// Where `slot`'s latest publish stands, if it made one.
    pub fn slot_state(&self, slot: &SlotId) -> Option<SlotState> {
        self.outgoing.state(slot)
    }

    /// Why publishing to `topic` stopped, in words, if the service refused it.
    pub fn blocked(&self, topic: &str) -> Option<String> {
        let reason = self.budgets.blocked_topics().get(topic)?;
        Some(
            Refusal::Blocked {
                topic: topic.to_owned(),
                reason: reason.clone(),
            }
            .to_string(),
        )
    }

    /// Every limited class's meter at `now`.
    pub fn meters(&self, now: Instant) -> Vec<Meter> {
        self.budgets.meters(now)
    }

    /// The ban in force at `now`, if any.
    pub fn banned_until(&self, now: Instant) -> Option<Instant> {
        self.budgets.banned_until(now)
    }

    /// Whether the connection has limits at all.
    pub fn is_limited(&self) -> bool {
        !self.budgets.is_unlimited()
    }

    /// The monitor's history.
    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    /// Where the read of `target`'s history stands, if it was wanted.
    pub fn history_state(&self, target: &ReadTarget) -> Option<&HistoryState> {
        self.history.state(target)
    }

    /// What the saved outbox keeps now.
    pub fn saved_outbox(&self) -> &[SavedPublish] {
        &self.persisted
    }

    // ---- commands ------------------------------------------------------------------------

    /// Connects (once the connection budget allows; the reconnect spacing is for the page's
    /// own attempts, not the user's).
    pub fn connect(&mut self, now: Instant) {
        if self.socket != Socket::Closed {
            return;
        }
        self.session.cancel_reconnect();
        self.try_open(now, false);
        self.drive(now);
    }

    /// Skips the wait before the next attempt (the connection budget still applies).
    pub fn reconnect_now(&mut self, now: Instant) {
        self.connect(now);
    }

    /// Says goodbye to the broker, or stops reconnecting. Subscriptions and the outbox stay.
    pub fn disconnect(&mut self, now: Instant) {
        self.session.disconnect(now);
        if self.socket == Socket::Opening {
            // A socket still opening has no session to end.
            self.close_socket();
            self.set_status(LinkStatus::Idle);
        }
        self.drive(now);
    }

    /// Subscribes to `filter`: now if connected and the budget allows, else on connect.
    pub fn subscribe(&mut self, now: Instant, filter: &str, qos: QoS) -> Result<(), String> {
        let filter = filter.trim();
        if self.is_connected() {
            let action = format!("subscribe to {filter}");
            match self.decide(now, &Request::Subscribe { filters: 1 }, &action) {
                Decision::Go => {}
                Decision::Wait { until, hold } => {
                    let seconds = until.saturating_since(now).as_millis().div_ceil(1000);
                    return Err(format!(
                        "not subscribed yet: {hold}; try again in {seconds} s"
                    ));
                }
                Decision::Refuse(refusal) => return Err(refusal.to_string()),
            }
        }
        self.session
            .subscribe(filter, qos)
            .map_err(|error| error.to_string())?;
        // A channel followed has its update budget in the Limits pane from the start.
        if let Some(topic) = ThingSpeakTopic::parse(filter) {
            self.budgets.track_channel(topic.channel());
            self.changed = true;
        }
        self.events.push_back(LinkEvent::SubscriptionsChanged);
        self.drive(now);
        Ok(())
    }

    /// Unsubscribes from `filter`.
    pub fn unsubscribe(&mut self, now: Instant, filter: &str) -> Result<(), String> {
        let result = self.session.unsubscribe(filter);
        self.events.push_back(LinkEvent::SubscriptionsChanged);
        self.drive(now);
        result.map(|_| ()).map_err(|error| error.to_string())
    }

    /// Publishes on behalf of `slot`, through the budgets: now, or when its budget and the
    /// connection allow (a newer publish from the same slot replaces one still waiting). A
    /// publish the service would refuse is refused here, with the reason.
    pub fn publish(
        &mut self,
        now: Instant,
        slot: SlotId,
        topic: &str,
        payload: &[u8],
        qos: QoS,
        retain: bool,
    ) -> Result<(), String> {
        self.behaviour
            .check_publish(topic, payload.len(), qos, retain)?;
        validate_topic_name(topic)?;
        let cost = self.behaviour.publish_cost(topic, payload);
        let publish = SavedPublish {
            topic: topic.to_owned(),
            payload: payload.to_vec(),
            qos,
            retain,
        };
        self.outgoing
            .submit(slot, publish, Request::publish(topic, cost));
        self.changed = true;
        self.drive(now);
        Ok(())
    }

    /// Puts back publishes an earlier load of the page kept unacknowledged: they go through
    /// the budgets again, in their order.
    pub fn restore(&mut self, now: Instant, saved: Vec<SavedPublish>) {
        for (index, kept) in (0u32..).zip(saved) {
            let slot = SlotId::Restored(index);
            if let Err(reason) =
                self.publish(now, slot, &kept.topic, &kept.payload, kept.qos, kept.retain)
            {
                self.events.push_back(LinkEvent::Problem(format!(
                    "a message kept from before the reload to {} could not be sent: {reason}",
                    kept.topic
                )));
            }
        }
    }

    /// The dashboard shows `feed` and wants `span_ms` of its past up to `wall_now_ms` (ms since
    /// the Unix epoch): read once per feed and span, through the history read budget.
    pub fn want_history(&mut self, now: Instant, wall_now_ms: f64, feed: &FeedRef, span_ms: f64) {
        let Some(target) = ReadTarget::of(feed) else {
            return;
        };
        if self.history.want(target, span_ms, wall_now_ms) {
            self.changed = true;
            self.drive(now);
        }
    }

    /// Lets publishing to `topic` go again (the user pointed the control at another feed).
    pub fn unblock(&mut self, topic: &str) {
        self.budgets.unblock(topic);
        self.changed = true;
    }

    // ---- inputs --------------------------------------------------------------------------

    /// The socket opened: CONNECT goes out.
    pub fn handle_transport_open(&mut self, now: Instant) {
        if self.socket != Socket::Opening {
            return;
        }
        self.socket = Socket::Open;
        self.session.handle_transport_open(now);
        self.drive(now);
    }

    /// The socket could not be opened at all (the browser refused the URL). Retrying cannot
    /// help, so nothing is scheduled.
    pub fn handle_transport_refused(&mut self, now: Instant, message: &str) {
        self.socket = Socket::Closed;
        self.set_status(LinkStatus::Failed(format!(
            "could not open the connection: {message}"
        )));
        self.drive(now);
    }

    /// The socket closed, or failed to open; `detail` says how, in words.
    pub fn handle_transport_closed(&mut self, now: Instant, detail: String) {
        self.socket = Socket::Closed;
        self.session.handle_transport_closed(now, detail);
        self.drive(now);
    }

    /// Bytes arrived from the broker.
    pub fn handle_bytes(&mut self, now: Instant, bytes: &[u8]) {
        self.session.handle_bytes(now, bytes);
        self.drive(now);
    }

    /// A text WebSocket message arrived; MQTT only uses binary ones.
    pub fn handle_text_message(&mut self, now: Instant) {
        self.session.handle_text_message(now);
        self.drive(now);
    }

    /// Time has passed: keepalive, reconnects, and publishes whose budget came back.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.session.handle_timeout(now);
        self.history.handle_timeout(now);
        self.drive(now);
    }

    /// Fetch `id` was answered.
    pub fn handle_fetch_response(&mut self, now: Instant, id: FetchId, response: &HttpResponse) {
        if let Some(until) = self.history.handle_response(now, id, response) {
            // Every read of the account waits (the other tabs too), and the Limits pane says so.
            let class = ActionClass::HistoryRead;
            self.budgets.pause(class, until);
            self.events
                .push_back(LinkEvent::Share(Shared::Pause { class, until }));
            let action = "history reads (the service answered 429 Too Many Requests)";
            self.monitor.held(now, action, until, Hold::Paused(class));
        }
        self.take_history_batches();
        self.changed = true;
        self.drive(now);
    }

    /// Fetch `id` failed without an answer; `message` says how.
    pub fn handle_fetch_failed(&mut self, now: Instant, id: FetchId, message: &str) {
        self.history.handle_failure(id, message);
        self.changed = true;
        self.drive(now);
    }

    /// Another tab of the account shared a change (times already on this tab's clock).
    pub fn handle_shared(&mut self, change: Shared) {
        match change {
            Shared::Spend { class, cost, at } => self.budgets.record_elsewhere(at, class, cost),
            Shared::Pause { class, until } => self.budgets.pause(class, until),
            Shared::Ban { until } => self.budgets.ban_until(until),
        }
        self.changed = true;
    }

    // ---- outputs -------------------------------------------------------------------------

    /// The next thing to do with the socket.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmit.pop_front()
    }

    /// The next event for the page.
    pub fn poll_event(&mut self) -> Option<LinkEvent> {
        if let Some(event) = self.events.pop_front() {
            return Some(event);
        }
        std::mem::take(&mut self.changed).then_some(LinkEvent::Changed)
    }

    /// Whether events wait in [`Link::poll_event`].
    pub fn has_events(&self) -> bool {
        self.changed || !self.events.is_empty()
    }

    /// When [`Link::handle_timeout`] should next be called, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let waiting = self
            .is_connected()
            .then(|| self.outgoing.next_wake())
            .flatten();
        [
            self.session.poll_timeout(),
            waiting,
            self.resend_at,
            self.history.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    // ---- internals -----------------------------------------------------------------------

    /// Asks the budgets whether `request` (described as `action` for the monitor) may go at
    /// `now`; if so it is spent, here and for the account's other tabs.
    fn decide(&mut self, now: Instant, request: &Request, action: &str) -> Decision {
        let decision = self.budgets.try_commit(now, request);
        match &decision {
            Decision::Go => self.share_spend(now, request),
            Decision::Wait { until, hold } => self.monitor.held(now, action, *until, *hold),
            Decision::Refuse(refusal) => self.monitor.record(
                now,
                MonitorKind::Refused {
                    action: action.to_owned(),
                    reason: refusal.to_string(),
                },
            ),
        }
        self.changed = true;
        decision
    }

    fn share_spend(&mut self, at: Instant, request: &Request) {
        for (class, cost) in Budgets::costs(request) {
            if cost > 0 && !self.budgets.is_unlimited() {
                self.events
                    .push_back(LinkEvent::Share(Shared::Spend { class, cost, at }));
            }
        }
    }

    /// The connection gate: every attempt passes the connection budget, which must also afford
    /// renewing the subscriptions.
    /// `automatic`: the page reconnects by itself (not the user pressing Connect or Reconnect
    /// now), so the service's reconnect spacing applies too.
    fn try_open(&mut self, now: Instant, automatic: bool) {
        let renewals = self.session.subscriptions().renewable().count();
        let request = Request::Connect {
            renewals: u32::try_from(renewals).unwrap_or(u32::MAX),
            automatic,
        };
        match self.decide(now, &request, "connection attempt") {
            Decision::Go => {
                self.socket = Socket::Opening;
                self.transmit.push_back(Transmit::Open);
                self.set_status(LinkStatus::Connecting);
            }
            Decision::Wait { until, .. } => self.session.defer_reconnect(now, until),
            Decision::Refuse(_) => self
                .session
                .defer_reconnect(now, now + UNAFFORDABLE_CONNECT_WAIT),
        }
    }

    fn close_socket(&mut self) {
        if self.socket != Socket::Closed {
            self.socket = Socket::Closed;
            self.transmit.push_back(Transmit::Close);
        }
    }

    fn set_status(&mut self, status: LinkStatus) {
        if self.status != status {
            self.status = status.clone();
            self.events.push_back(LinkEvent::Status(status));
        }
    }

    /// Takes the session's output and acts on its events, then sends what the budgets allow.
    fn drive(&mut self, now: Instant) {
        self.take_session_bytes();
        while let Some(event) = self.session.poll_event() {
            self.on_session_event(now, event);
            self.take_session_bytes();
        }
        self.pump(now);
        self.take_session_bytes();
        self.pump_history(now);
        self.persist_if_changed();
    }

    /// Starts the next history read the budgets allow.
    fn pump_history(&mut self, now: Instant) {
        let budgets = &mut self.budgets;
        let pumped = self
            .history
            .pump(now, |request| budgets.try_commit(now, request));
        if let Some((id, request)) = pumped.fetch {
            self.share_spend(now, &Request::HistoryRead);
            self.transmit.push_back(Transmit::Fetch { id, request });
            self.changed = true;
        }
        if let Some((action, until, hold)) = pumped.held {
            self.monitor.held(now, action, until, hold);
            self.changed = true;
        }
    }

    fn take_history_batches(&mut self) {
        while let Some(batch) = self.history.poll_batch() {
            self.events.push_back(LinkEvent::History(batch));
        }
    }

    fn take_session_bytes(&mut self) {
        while let Some(bytes) = self.session.poll_transmit() {
            self.transmit.push_back(Transmit::Bytes(bytes));
        }
    }

    fn on_session_event(&mut self, now: Instant, event: Event) {
        match event {
            Event::Message(message) => {
                self.read_notice(now, &message);
                self.events.push_back(LinkEvent::Message(message, now));
            }
            Event::Connected { .. } => self.set_status(LinkStatus::Connected),
            Event::Disconnected(reason) => {
                self.close_socket();
                self.resend_at = None;
                self.paid.clear();
                self.set_status(match reason {
                    DisconnectReason::ClosedByClient => LinkStatus::Idle,
                    other => LinkStatus::Failed(other.to_string()),
                });
            }
            Event::ReconnectScheduled { delay, .. } => {
                let reason = self
                    .status
                    .reason()
                    .unwrap_or("waiting for the connection budget")
                    .to_owned();
                self.set_status(LinkStatus::Reconnecting {
                    reason,
                    retry_at: now + delay,
                });
            }
            Event::ReconnectDue => self.try_open(now, true),
            Event::Subscribed { filter, status } => {
                self.events.push_back(LinkEvent::SubscriptionsChanged);
                match status {
                    SubscriptionStatus::Granted(_) => self.ask_for_last_value(now, &filter),
                    SubscriptionStatus::Refused => {
                        self.events
                            .push_back(LinkEvent::SubscriptionRefused(filter));
                    }
                    SubscriptionStatus::Pending => {}
                }
            }
            Event::Unsubscribed { .. } => self.events.push_back(LinkEvent::SubscriptionsChanged),
            Event::Delivered { packet_id } => {
                self.paid.remove(&packet_id);
                if self.outgoing.delivered(packet_id) {
                    self.changed = true;
                }
            }
        }
    }

    /// Acts on a notice from the service: budgets paused or aligned, a ban, a refused
    /// subscription not renewed, a refused topic blocked; the other tabs hold back too.
    fn read_notice(&mut self, now: Instant, message: &Message) {
        let Some(text) = self.behaviour.notice_text(&message.topic, &message.payload) else {
            return;
        };
        let notice = Notice::parse(&text);
        for effect in self.budgets.apply_notice(now, &notice) {
            if let NoticeEffect::RefusedSubscription(filter) = effect {
                self.session.mark_refused(&filter);
                self.events.push_back(LinkEvent::SubscriptionsChanged);
                self.events
                    .push_back(LinkEvent::SubscriptionRefused(filter));
            }
        }
        let ban = self.budgets.banned_until(now);
        for meter in self.budgets.meters(now) {
            if let Some(until) = meter.level.paused_until.filter(|u| Some(*u) != ban) {
                self.events.push_back(LinkEvent::Share(Shared::Pause {
                    class: meter.class,
                    until,
                }));
            }
        }
        if let Some(until) = ban {
            self.events
                .push_back(LinkEvent::Share(Shared::Ban { until }));
        }
        self.monitor.record(now, MonitorKind::Notice(notice));
        self.changed = true;
    }

    /// On services without retain (Adafruit IO), a granted subscription asks for the last
    /// value: a publish like any other, through the budgets.
    fn ask_for_last_value(&mut self, now: Instant, filter: &str) {
        let Some((topic, payload)) = self.behaviour.after_subscribed(filter) else {
            return;
        };
        let slot = SlotId::LastValue(topic.clone());
        if let Err(reason) = self.publish(now, slot, &topic, payload, QoS::AtMostOnce, false) {
            self.events.push_back(LinkEvent::Problem(reason));
        }
    }

    /// Sends what the budgets allow now: waiting publishes, then publishes held back after a
    /// reconnect.
    fn pump(&mut self, now: Instant) {
        let connected = self.is_connected();
        let session = &mut self.session;
        let paid = &mut self.paid;
        let released = self
            .outgoing
            .release(now, &mut self.budgets, connected, |publish| {
                let packet_id = session
                    .publish(
                        now,
                        &publish.topic,
                        &publish.payload,
                        publish.qos,
                        publish.retain,
                    )
                    .map_err(|error| error.to_string())?;
                if let Some(id) = packet_id {
                    // Queued behind resends still held: paid for already.
                    if session.held_publishes().any(|held| held.packet_id == id) {
                        paid.insert(id);
                    }
                }
                Ok(packet_id)
            });
        self.note_released(now, released);
        if connected {
            self.release_held(now);
        }
    }

    fn note_released(&mut self, now: Instant, released: Released) {
        if released == Released::default() {
            return;
        }
        self.changed = true;
        for request in &released.went {
            self.share_spend(now, request);
        }
        for (topic, until, hold) in released.held {
            self.monitor
                .held(now, format!("publish to {topic}"), until, hold);
        }
        for (topic, refusal) in released.refused {
            let action = format!("publish to {topic}");
            let reason = refusal.to_string();
            self.monitor
                .record(now, MonitorKind::Refused { action, reason });
        }
        for (topic, reason) in released.failed {
            self.events
                .push_back(LinkEvent::Problem(format!("not sent to {topic}: {reason}")));
        }
    }

    /// Sends publishes held back after a reconnect, oldest first, while the budgets allow.
    fn release_held(&mut self, now: Instant) {
        self.resend_at = None;
        loop {
            let Some(held) = self.session.held_publishes().next() else {
                return;
            };
            let (id, topic) = (held.packet_id, held.topic.clone());
            let cost = self.behaviour.publish_cost(&topic, &held.payload);
            let decision = if self.paid.remove(&id) {
                Decision::Go
            } else {
                let action = format!("resend to {topic}");
                self.decide(now, &Request::publish(&topic, cost), &action)
            };
            match decision {
                Decision::Go => {
                    self.session.transmit_held(now);
                }
                Decision::Wait { until, .. } => {
                    self.resend_at = Some(until);
                    return;
                }
                // The service refused this topic meanwhile: sending it again would only count
                // another refusal. It stays unacknowledged; the monitor says why.
                Decision::Refuse(_) => return,
            }
        }
    }

    fn persist_if_changed(&mut self) {
        if !self.outgoing.saved_is(&self.persisted) {
            self.persisted = self.outgoing.saved();
            self.events
                .push_back(LinkEvent::PersistOutbox(self.persisted.clone()));
        }
    }
}
