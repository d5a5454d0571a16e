//! The sans-IO MQTT 3.1.1 client session.
//!
//! [`Session`] never touches a socket or a clock. The transport feeds it what happened
//! ([`Session::handle_transport_open`], [`Session::handle_bytes`],
//! [`Session::handle_transport_closed`], [`Session::handle_timeout`]) and the user's commands
//! ([`Session::subscribe`], [`Session::publish`], …), then drains what it must do
//! ([`Session::poll_transmit`], [`Session::poll_event`], [`Session::poll_timeout`]).
//!
//! Durable state (subscriptions, unacknowledged publishes, packet ids) survives a lost
//! connection; per-connection state (frame buffer, ping and CONNACK deadlines) is reset each time.

use super::encode::encode;
use super::error::{CommandError, ConnectRefusal, ProtocolError};
use super::framing::{decode_frame, packet_name, Frame, FrameReader};
use super::inflight::{Outbox, OutgoingPublish, Stage};
use super::reconnect::{Backoff, ReconnectPolicy};
use super::subscriptions::{SubscriptionStatus, Subscriptions};
use super::topic::{validate_filter, validate_topic_name};
use super::QoS;
use crate::time::Instant;
use mqttrs::{Packet, Pid, QosPid, SubscribeReturnCodes, SubscribeTopic};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::time::Duration;

/// How to connect: the contents of CONNECT plus the session's own limits.
#[derive(Clone, PartialEq)]
pub struct SessionConfig {
    /// Client identifier; empty asks the broker to assign one (needs a clean session).
    pub client_id: String,
    /// User name, if the broker wants one.
    pub username: Option<String>,
    /// Password (for Adafruit IO: the AIO key). Never shown by `Debug`.
    pub password: Option<String>,
    /// Keepalive interval, whole seconds up to 65 535; zero turns keepalive off.
    pub keep_alive: Duration,
    /// Ask the broker to discard any earlier session state.
    pub clean_session: bool,
    /// How long to wait for CONNACK after sending CONNECT.
    pub connect_timeout: Duration,
    /// How long to wait for PINGRESP before declaring the connection dead.
    pub ping_timeout: Duration,
    /// The largest packet accepted from the broker, fixed header included.
    pub max_incoming_packet: usize,
    /// How to pace reconnects after a lost connection; `None` never reconnects by itself.
    pub reconnect: Option<ReconnectPolicy>,
    /// Seeds the reconnect jitter (give each tab or device its own).
    pub random_seed: u64,
    /// Keep unacknowledged publishes back after a reconnect until [`Session::transmit_held`]
    /// releases them one by one (so a rate budget can pace them); publishes made meanwhile
    /// queue behind them. Off: they are all sent again at once.
    pub hold_resends: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            client_id: String::new(),
            username: None,
            password: None,
            keep_alive: Duration::from_secs(60),
            clean_session: true,
            connect_timeout: Duration::from_secs(15),
            ping_timeout: Duration::from_secs(15),
            max_incoming_packet: 4 * 1024 * 1024,
            reconnect: Some(ReconnectPolicy::default()),
            random_seed: 0,
            hold_resends: false,
        }
    }
}

impl fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionConfig")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("keep_alive", &self.keep_alive)
            .field("clean_session", &self.clean_session)
            .finish_non_exhaustive()
    }
}

/// A message the broker delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Topic name it was published to.
    pub topic: String,
    /// Payload bytes, as sent (not necessarily UTF-8).
    pub payload: Vec<u8>,
    /// QoS it was delivered at.
    pub qos: QoS,
    /// Whether the broker sent it from its retained store.
    pub retain: bool,
    /// Whether the broker marked it as a possible duplicate.
    pub duplicate: bool,
}

/// Why the connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisconnectReason {
    /// The broker refused CONNECT.
    Refused(ConnectRefusal),
    /// The broker broke the protocol; the connection must be closed.
    Protocol(ProtocolError),
    /// No CONNACK arrived in time.
    ConnackTimeout,
    /// No PINGRESP arrived in time: the connection is probably half-open.
    KeepaliveTimeout,
    /// The user disconnected.
    ClosedByClient,
    /// The transport closed underneath the session.
    TransportClosed(String),
}

impl DisconnectReason {
    /// Whether reconnecting with the same settings can help.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Refused(refusal) => refusal.is_retryable(),
            Self::ClosedByClient => false,
            _ => true,
        }
    }
}

impl fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused(refusal) => write!(f, "connection refused: {refusal}"),
            Self::Protocol(error) => write!(f, "protocol error: {error}"),
            Self::ConnackTimeout => write!(f, "the broker did not answer the connection request"),
            Self::KeepaliveTimeout => write!(
                f,
                "the broker stopped answering keepalive pings; the connection was lost"
            ),
            Self::ClosedByClient => write!(f, "disconnected"),
            Self::TransportClosed(detail) => write!(f, "{detail}"),
        }
    }
}

/// Something the application should know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// CONNACK accepted the connection.
    Connected {
        /// Whether the broker kept a session from before.
        session_present: bool,
    },
    /// A message arrived. QoS 2 messages are reported once, however often the broker resends.
    Message(Message),
    /// The broker answered a subscription.
    Subscribed {
        /// The filter.
        filter: String,
        /// Granted or refused.
        status: SubscriptionStatus,
    },
    /// The broker confirmed an unsubscribe.
    Unsubscribed {
        /// The filters it covered.
        filters: Vec<String>,
    },
    /// The broker acknowledged a QoS 1 (PUBACK) or QoS 2 (PUBCOMP) publish.
    Delivered {
        /// The packet id [`Session::publish`] returned.
        packet_id: u16,
    },
    /// The connection ended; the transport should close its socket.
    Disconnected(DisconnectReason),
    /// After a lost connection, the next attempt is due in `delay` (attempt number `attempt`).
    ReconnectScheduled {
        /// How long until [`Event::ReconnectDue`].
        delay: Duration,
        /// Attempts since the last successful connection, this one included.
        attempt: u32,
    },
    /// Time to open a new transport and call [`Session::handle_transport_open`].
    ReconnectDue,
}

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    /// No transport, or the session gave up on it.
    Disconnected,
    /// CONNECT sent, waiting for CONNACK.
    Connecting,
    /// CONNACK accepted.
    Connected,
}

/// Per-connection state, rebuilt for every transport.
#[derive(Debug)]
struct Link {
    connected: bool,
    last_sent: Instant,
    connack_deadline: Option<Instant>,
    ping_deadline: Option<Instant>,
}

/// The MQTT client session. See the module documentation.
#[derive(Debug)]
pub struct Session {
    config: SessionConfig,
    link: Option<Link>,
    reader: FrameReader,
    transmit: VecDeque<Vec<u8>>,
    events: VecDeque<Event>,
    last_packet_id: u16,
    subscriptions: Subscriptions,
    pending_subscribes: BTreeMap<u16, Vec<String>>,
    pending_unsubscribes: BTreeMap<u16, Vec<String>>,
    outbox: Outbox,
    /// Outbox publishes not yet sent on this connection, in order (with `hold_resends`).
    held: VecDeque<u16>,
    /// QoS 2 packet ids received but not yet released by PUBREL.
    inbound_unreleased: BTreeSet<u16>,
    backoff: Option<Backoff>,
    reconnect_at: Option<Instant>,
    /// The last large packet sent (when, how big): a connection dropped right after it was
    /// probably dropped because of it.
    large_sent: Option<(Instant, usize)>,
}

/// Packets from this size up are worth naming when the connection drops right after them.
const LARGE_PACKET: usize = 64 * 1024;

impl Session {
    /// A disconnected session with these settings.
    pub fn new(config: SessionConfig) -> Self {
        let reader = FrameReader::new(config.max_incoming_packet);
        let backoff = config
            .reconnect
            .map(|policy| Backoff::new(policy, config.random_seed));
        Self {
            config,
            link: None,
            reader,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            last_packet_id: 0,
            subscriptions: Subscriptions::default(),
            pending_subscribes: BTreeMap::new(),
            pending_unsubscribes: BTreeMap::new(),
            outbox: Outbox::default(),
            held: VecDeque::new(),
            inbound_unreleased: BTreeSet::new(),
            backoff,
            reconnect_at: None,
            large_sent: None,
        }
    }

    // ---- getters -------------------------------------------------------------------------

    /// The settings this session connects with.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Where the connection stands.
    pub fn state(&self) -> ConnectionState {
        match &self.link {
            None => ConnectionState::Disconnected,
            Some(link) if link.connected => ConnectionState::Connected,
            Some(_) => ConnectionState::Connecting,
        }
    }

    /// The subscriptions the user asked for, with the broker's answers.
    pub fn subscriptions(&self) -> &Subscriptions {
        &self.subscriptions
    }

    /// Outgoing QoS 1/2 publishes not yet acknowledged.
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// Publishes waiting for [`Session::transmit_held`], oldest first.
    pub fn held_publishes(&self) -> impl Iterator<Item = &OutgoingPublish> {
        self.held.iter().filter_map(|id| self.outbox.get(*id))
    }

    /// Sends the oldest held publish (with DUP if it went out before); returns its packet id.
    pub fn transmit_held(&mut self, now: Instant) -> Option<u16> {
        if !self.is_connected() {
            return None;
        }
        let id = self.held.pop_front()?;
        if let Some(bytes) = self.outbox.get(id).and_then(|e| encode_outgoing(e).ok()) {
            self.queue_at(now, bytes);
            self.outbox.mark_sent(id);
        }
        Some(id)
    }

    /// Marks `filter` refused (the service said so after granting it): it is not renewed on
    /// reconnect until subscribed to again.
    pub fn mark_refused(&mut self, filter: &str) {
        self.subscriptions
            .set_status(filter, SubscriptionStatus::Refused);
    }

    /// Forgets a scheduled reconnect, because the caller is opening a transport now (the user
    /// pressed "reconnect now", or the network came back). If that transport fails, the failure
    /// is reported and the next attempt scheduled as usual.
    pub fn cancel_reconnect(&mut self) {
        self.reconnect_at = None;
    }

    /// Puts the next connection attempt off until `until` (a rate budget asks for it), and
    /// says so with [`Event::ReconnectScheduled`]. The transport must not be open.
    pub fn defer_reconnect(&mut self, now: Instant, until: Instant) {
        if self.link.is_some() {
            return;
        }
        self.reconnect_at = Some(until);
        let attempt = self.backoff.as_ref().map_or(0, Backoff::attempts);
        self.events.push_back(Event::ReconnectScheduled {
            delay: until.saturating_since(now),
            attempt,
        });
    }

    /// When the next reconnect attempt is due, while waiting for one.
    pub fn reconnect_at(&self) -> Option<Instant> {
        self.reconnect_at
    }

    // ---- inputs --------------------------------------------------------------------------

    /// The transport is open: sends CONNECT.
    pub fn handle_transport_open(&mut self, now: Instant) {
        self.reconnect_at = None;
        self.reader.clear();
        self.transmit.clear();
        self.pending_subscribes.clear();
        self.pending_unsubscribes.clear();
        self.subscriptions.reset_all();
        self.link = Some(Link {
            connected: false,
            last_sent: now,
            connack_deadline: Some(now + self.config.connect_timeout),
            ping_deadline: None,
        });
        let keep_alive = u16::try_from(self.config.keep_alive.as_secs()).unwrap_or(u16::MAX);
        let connect = mqttrs::Connect {
            protocol: mqttrs::Protocol::MQTT311,
            keep_alive,
            client_id: &self.config.client_id,
            clean_session: self.config.clean_session,
            last_will: None,
            username: self.config.username.as_deref(),
            password: self.config.password.as_deref().map(str::as_bytes),
        };
        match encode(&Packet::Connect(connect)) {
            Ok(bytes) => self.transmit.push_back(bytes),
            Err(error) => self.close(
                now,
                DisconnectReason::TransportClosed(format!(
                    "the connection settings cannot be sent: {error}"
                )),
            ),
        }
    }

    /// Bytes arrived from the broker.
    pub fn handle_bytes(&mut self, now: Instant, bytes: &[u8]) {
        if self.link.is_none() {
            return;
        }
        self.reader.push(bytes);
        loop {
            let frame = match self.reader.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => return,
                Err(error) => return self.close(now, DisconnectReason::Protocol(error)),
            };
            let outcome = match decode_frame(frame) {
                Ok(Frame::Connack {
                    session_present,
                    return_code,
                }) => {
                    let reply = Reply::Connack {
                        session_present,
                        return_code,
                    };
                    self.apply(now, reply)
                }
                Ok(Frame::Packet(packet)) => {
                    let reply = Reply::from_packet(packet);
                    self.apply(now, reply)
                }
                Err(error) => Err(error),
            };
            if let Err(error) = outcome {
                return self.close(now, DisconnectReason::Protocol(error));
            }
            if self.link.is_none() {
                return;
            }
        }
    }

    /// A text WebSocket message arrived; MQTT only uses binary ones.
    pub fn handle_text_message(&mut self, now: Instant) {
        if self.link.is_some() {
            self.close(now, DisconnectReason::Protocol(ProtocolError::TextFrame));
        }
    }

    /// The transport closed, or failed to open. `detail` says how, in words.
    pub fn handle_transport_closed(&mut self, now: Instant, detail: String) {
        if self.link.is_some() || self.reconnect_at.is_none() {
            let detail = match self.large_sent.take() {
                Some((at, size)) if now.saturating_since(at) < Duration::from_secs(3) => format!(
                    "{detail}; it happened right after sending a message of {} KB: the broker may refuse messages that large",
                    size / 1024
                ),
                _ => detail,
            };
            self.close(now, DisconnectReason::TransportClosed(detail));
        }
    }

    /// Time has passed: sends a ping or gives up on an unresponsive broker as needed.
    pub fn handle_timeout(&mut self, now: Instant) {
        let keep_alive = self.config.keep_alive;
        let ping_timeout = self.config.ping_timeout;
        let Some(link) = &mut self.link else {
            if self.reconnect_at.is_some_and(|due| now >= due) {
                self.reconnect_at = None;
                self.events.push_back(Event::ReconnectDue);
            }
            return;
        };
        if link
            .connack_deadline
            .is_some_and(|deadline| now >= deadline)
        {
            return self.close(now, DisconnectReason::ConnackTimeout);
        }
        if link.ping_deadline.is_some_and(|deadline| now >= deadline) {
            return self.close(now, DisconnectReason::KeepaliveTimeout);
        }
        let ping_due = link.connected
            && !keep_alive.is_zero()
            && link.ping_deadline.is_none()
            && now >= link.last_sent + keep_alive;
        if ping_due {
            link.ping_deadline = Some(now + ping_timeout);
            self.send(now, &Packet::Pingreq);
        }
    }

    // ---- commands ------------------------------------------------------------------------

    /// Subscribes to `filter`. When not connected, the subscription is made on the next connect.
    pub fn subscribe(&mut self, filter: &str, qos: QoS) -> Result<(), CommandError> {
        validate_filter(filter).map_err(CommandError::InvalidFilter)?;
        self.subscriptions.insert(filter, qos);
        if self.is_connected() {
            self.send_subscribe(vec![(filter.to_owned(), qos)])?;
        }
        Ok(())
    }

    /// Unsubscribes from `filter`. Returns whether it was subscribed.
    pub fn unsubscribe(&mut self, filter: &str) -> Result<bool, CommandError> {
        let existed = self.subscriptions.remove(filter);
        if existed && self.is_connected() {
            let packet_id = self.next_packet_id()?;
            let packet = Packet::Unsubscribe(mqttrs::Unsubscribe {
                pid: pid(packet_id),
                topics: vec![filter.to_owned()],
            });
            let bytes = encode(&packet)?;
            self.pending_unsubscribes
                .insert(packet_id, vec![filter.to_owned()]);
            self.queue(bytes);
        }
        Ok(existed)
    }

    /// Publishes a message. QoS 0 needs a connection; QoS 1 and 2 are kept until the broker
    /// acknowledges them (sent on the next connect if offline). Returns the packet id for QoS 1/2.
    pub fn publish(
        &mut self,
        now: Instant,
        topic: &str,
        payload: &[u8],
        qos: QoS,
        retain: bool,
    ) -> Result<Option<u16>, CommandError> {
        validate_topic_name(topic).map_err(CommandError::InvalidTopic)?;
        if qos == QoS::AtMostOnce {
            if !self.is_connected() {
                return Err(CommandError::NotConnected);
            }
            let bytes = encode(&Packet::Publish(mqttrs::Publish {
                dup: false,
                qospid: QosPid::AtMostOnce,
                retain,
                topic_name: topic,
                payload,
            }))?;
            self.queue_at(now, bytes);
            return Ok(None);
        }
        let packet_id = self.next_packet_id()?;
        let entry = OutgoingPublish {
            packet_id,
            topic: topic.to_owned(),
            payload: payload.to_vec(),
            qos,
            retain,
            stage: Stage::AwaitingAck { sent: false },
        };
        // Encode first, so a publish that can never be sent is refused now, not on reconnect.
        let bytes = encode_outgoing(&entry)?;
        if self.is_connected() && !self.held.is_empty() {
            // Older publishes wait for release: this one keeps its place behind them.
            self.held.push_back(packet_id);
            self.outbox.push(entry);
        } else if self.is_connected() {
            self.queue_at(now, bytes);
            self.outbox.push(OutgoingPublish {
                stage: Stage::AwaitingAck { sent: true },
                ..entry
            });
        } else {
            self.outbox.push(entry);
        }
        Ok(Some(packet_id))
    }

    /// Ends the connection politely (DISCONNECT). Subscriptions and the outbox are kept.
    pub fn disconnect(&mut self, now: Instant) {
        if self.is_connected() {
            self.send(now, &Packet::Disconnect);
        }
        if self.link.is_some() || self.reconnect_at.is_some() {
            self.close(now, DisconnectReason::ClosedByClient);
        }
    }

    // ---- outputs -------------------------------------------------------------------------

    /// The next bytes to send, whole packets only.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmit.pop_front()
    }

    /// The next event for the application.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`Session::handle_timeout`] should next be called, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let Some(link) = self.link.as_ref() else {
            return self.reconnect_at;
        };
        let ping_due = (link.connected && !self.config.keep_alive.is_zero())
            .then(|| link.last_sent + self.config.keep_alive);
        [link.connack_deadline, link.ping_deadline, ping_due]
            .into_iter()
            .flatten()
            .min()
    }

    // ---- internals -----------------------------------------------------------------------

    fn is_connected(&self) -> bool {
        self.link.as_ref().is_some_and(|link| link.connected)
    }

    fn close(&mut self, now: Instant, reason: DisconnectReason) {
        self.link = None;
        self.held.clear();
        self.reader.clear();
        self.pending_subscribes.clear();
        self.pending_unsubscribes.clear();
        self.subscriptions.reset_all();
        self.reconnect_at = None;
        let retry = reason.is_retryable();
        self.events.push_back(Event::Disconnected(reason));
        if let (true, Some(backoff)) = (retry, &mut self.backoff) {
            let delay = backoff.next_delay();
            self.reconnect_at = Some(now + delay);
            self.events.push_back(Event::ReconnectScheduled {
                delay,
                attempt: backoff.attempts(),
            });
        }
    }

    fn queue(&mut self, bytes: Vec<u8>) {
        self.transmit.push_back(bytes);
    }

    fn queue_at(&mut self, now: Instant, bytes: Vec<u8>) {
        if let Some(link) = &mut self.link {
            link.last_sent = link.last_sent.max(now);
        }
        if bytes.len() >= LARGE_PACKET {
            self.large_sent = Some((now, bytes.len()));
        }
        self.transmit.push_back(bytes);
    }

    /// Sends a packet the session builds itself (acks, pings); these always encode.
    fn send(&mut self, now: Instant, packet: &Packet<'_>) {
        if let Ok(bytes) = encode(packet) {
            self.queue_at(now, bytes);
        }
    }

    fn next_packet_id(&mut self) -> Result<u16, CommandError> {
        let in_use =
            self.outbox.len() + self.pending_subscribes.len() + self.pending_unsubscribes.len();
        if in_use >= usize::from(u16::MAX) {
            return Err(CommandError::NoPacketIdFree);
        }
        for _ in 0..u16::MAX {
            self.last_packet_id = self.last_packet_id.checked_add(1).unwrap_or(1);
            let id = self.last_packet_id;
            let taken = self.outbox.contains(id)
                || self.pending_subscribes.contains_key(&id)
                || self.pending_unsubscribes.contains_key(&id);
            if !taken {
                return Ok(id);
            }
        }
        Err(CommandError::NoPacketIdFree)
    }

    fn send_subscribe(&mut self, filters: Vec<(String, QoS)>) -> Result<(), CommandError> {
        let packet_id = self.next_packet_id()?;
        let topics = filters
            .iter()
            .map(|(filter, qos)| SubscribeTopic {
                topic_path: filter.clone(),
                qos: (*qos).into(),
            })
            .collect();
        let bytes = encode(&Packet::Subscribe(mqttrs::Subscribe {
            pid: pid(packet_id),
            topics,
        }))?;
        self.pending_subscribes
            .insert(packet_id, filters.into_iter().map(|(f, _)| f).collect());
        self.queue(bytes);
        Ok(())
    }

    fn apply(&mut self, now: Instant, reply: Reply) -> Result<(), ProtocolError> {
        let connected = self.is_connected();
        match reply {
            Reply::Connack {
                session_present,
                return_code,
            } => {
                if connected {
                    return Err(unexpected("CONNACK", "the connection was already accepted"));
                }
                if return_code != 0 {
                    self.close(
                        now,
                        DisconnectReason::Refused(ConnectRefusal::from_code(return_code)),
                    );
                    return Ok(());
                }
                self.on_connection_accepted(now, session_present);
                Ok(())
            }
            _ if !connected => Err(unexpected(reply.name(), "it arrived before CONNACK")),
            Reply::Publish(message, packet_id) => {
                self.on_message(now, message, packet_id);
                Ok(())
            }
            Reply::Puback(id) => {
                if self.outbox.complete(id, QoS::AtLeastOnce).is_some() {
                    self.events.push_back(Event::Delivered { packet_id: id });
                }
                Ok(())
            }
            Reply::Pubrec(id) => {
                // Answer even an unknown id, or a broker with a stored session would wait forever.
                self.outbox.release(id);
                self.send(now, &Packet::Pubrel(pid(id)));
                Ok(())
            }
            Reply::Pubcomp(id) => {
                if self.outbox.complete(id, QoS::ExactlyOnce).is_some() {
                    self.events.push_back(Event::Delivered { packet_id: id });
                }
                Ok(())
            }
            Reply::Pubrel(id) => {
                self.inbound_unreleased.remove(&id);
                self.send(now, &Packet::Pubcomp(pid(id)));
                Ok(())
            }
            Reply::Suback(id, codes) => self.on_suback(id, codes),
            Reply::Unsuback(id) => {
                if let Some(filters) = self.pending_unsubscribes.remove(&id) {
                    self.events.push_back(Event::Unsubscribed { filters });
                }
                Ok(())
            }
            Reply::Pingresp => {
                if let Some(link) = &mut self.link {
                    link.ping_deadline = None;
                }
                Ok(())
            }
            Reply::ClientOnly(name) => Err(unexpected(name, "only clients send this packet")),
        }
    }

    fn on_connection_accepted(&mut self, now: Instant, session_present: bool) {
        if let Some(link) = &mut self.link {
            link.connected = true;
            link.connack_deadline = None;
        }
        if let Some(backoff) = &mut self.backoff {
            backoff.reset();
        }
        if !session_present {
            // The broker forgot any half-finished inbound QoS 2 exchange.
            self.inbound_unreleased.clear();
        }
        self.events.push_back(Event::Connected { session_present });
        if self.config.hold_resends {
            // PUBRELs cost nothing and finish exchanges: they go now. PUBLISHes wait.
            let mut releases = Vec::new();
            for entry in self.outbox.iter() {
                match entry.stage {
                    Stage::AwaitingAck { .. } => self.held.push_back(entry.packet_id),
                    Stage::AwaitingComplete => releases.extend(encode_outgoing(entry).ok()),
                }
            }
            for bytes in releases {
                self.queue_at(now, bytes);
            }
        } else {
            let resend: Vec<Vec<u8>> = self
                .outbox
                .iter()
                .filter_map(|entry| encode_outgoing(entry).ok())
                .collect();
            for bytes in resend {
                self.queue_at(now, bytes);
            }
            self.outbox.mark_all_sent();
        }
        let wanted: Vec<(String, QoS)> = self
            .subscriptions
            .renewable()
            .map(|s| (s.filter.clone(), s.requested))
            .collect();
        if !wanted.is_empty() {
            // Cannot fail: every filter was validated and packet ids are free on a new link.
            let _ = self.send_subscribe(wanted);
        }
    }

    fn on_message(&mut self, now: Instant, message: Message, packet_id: Option<u16>) {
        match (message.qos, packet_id) {
            (QoS::AtLeastOnce, Some(id)) => {
                self.events.push_back(Event::Message(message));
                self.send(now, &Packet::Puback(pid(id)));
            }
            (QoS::ExactlyOnce, Some(id)) => {
                if self.inbound_unreleased.insert(id) {
                    self.events.push_back(Event::Message(message));
                }
                self.send(now, &Packet::Pubrec(pid(id)));
            }
            _ => self.events.push_back(Event::Message(message)),
        }
    }

    fn on_suback(
        &mut self,
        id: u16,
        codes: Vec<SubscribeReturnCodes>,
    ) -> Result<(), ProtocolError> {
        let Some(filters) = self.pending_subscribes.remove(&id) else {
            return Ok(());
        };
        if filters.len() != codes.len() {
            return Err(ProtocolError::Malformed {
                packet: "SUBACK",
                problem: "its number of return codes differs from the number of filters",
            });
        }
        for (filter, code) in filters.into_iter().zip(codes) {
            let status = match code {
                SubscribeReturnCodes::Success(qos) => SubscriptionStatus::Granted(qos.into()),
                SubscribeReturnCodes::Failure => SubscriptionStatus::Refused,
            };
            self.subscriptions.set_status(&filter, status);
            self.events.push_back(Event::Subscribed { filter, status });
        }
        Ok(())
    }
}

/// A decoded incoming packet, copied out of the receive buffer.
enum Reply {
    Connack {
        session_present: bool,
        return_code: u8,
    },
    Publish(Message, Option<u16>),
    Puback(u16),
    Pubrec(u16),
    Pubrel(u16),
    Pubcomp(u16),
    Suback(u16, Vec<SubscribeReturnCodes>),
    Unsuback(u16),
    Pingresp,
    ClientOnly(&'static str),
}

impl Reply {
    fn from_packet(packet: Packet<'_>) -> Reply {
        match packet {
            Packet::Publish(publish) => {
                let (qos, packet_id) = match publish.qospid {
                    QosPid::AtMostOnce => (QoS::AtMostOnce, None),
                    QosPid::AtLeastOnce(id) => (QoS::AtLeastOnce, Some(id.get())),
                    QosPid::ExactlyOnce(id) => (QoS::ExactlyOnce, Some(id.get())),
                };
                let message = Message {
                    topic: publish.topic_name.to_owned(),
                    payload: publish.payload.to_vec(),
                    qos,
                    retain: publish.retain,
                    duplicate: publish.dup,
                };
                Reply::Publish(message, packet_id)
            }
            Packet::Connack(connack) => Reply::Connack {
                session_present: connack.session_present,
                return_code: 0,
            },
            Packet::Puback(id) => Reply::Puback(id.get()),
            Packet::Pubrec(id) => Reply::Pubrec(id.get()),
            Packet::Pubrel(id) => Reply::Pubrel(id.get()),
            Packet::Pubcomp(id) => Reply::Pubcomp(id.get()),
            Packet::Suback(suback) => Reply::Suback(suback.pid.get(), suback.return_codes),
            Packet::Unsuback(id) => Reply::Unsuback(id.get()),
            Packet::Pingresp => Reply::Pingresp,
            Packet::Connect(_) => Reply::ClientOnly(packet_name(1)),
            Packet::Subscribe(_) => Reply::ClientOnly(packet_name(8)),
            Packet::Unsubscribe(_) => Reply::ClientOnly(packet_name(10)),
            Packet::Pingreq => Reply::ClientOnly(packet_name(12)),
            Packet::Disconnect => Reply::ClientOnly(packet_name(14)),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Reply::Connack { .. } => "CONNACK",
            Reply::Publish(..) => "PUBLISH",
            Reply::Puback(_) => "PUBACK",
            Reply::Pubrec(_) => "PUBREC",
            Reply::Pubrel(_) => "PUBREL",
            Reply::Pubcomp(_) => "PUBCOMP",
            Reply::Suback(..) => "SUBACK",
            Reply::Unsuback(_) => "UNSUBACK",
            Reply::Pingresp => "PINGRESP",
            Reply::ClientOnly(name) => name,
        }
    }
}

fn unexpected(packet: &'static str, why: &'static str) -> ProtocolError {
    ProtocolError::Unexpected { packet, why }
}

/// A packet id as mqttrs wants it. Ids come from [`Session::next_packet_id`] or from a checked
/// frame, so they are never zero; 1 is only a fallback that cannot be reached.
fn pid(id: u16) -> Pid {
    Pid::try_from(id).unwrap_or_default()
}

fn encode_outgoing(entry: &OutgoingPublish) -> Result<Vec<u8>, CommandError> {
    let packet = match entry.stage {
        Stage::AwaitingAck { sent } => Packet::Publish(mqttrs::Publish {
            dup: sent,
            qospid: match entry.qos {
                QoS::ExactlyOnce => QosPid::ExactlyOnce(pid(entry.packet_id)),
                _ => QosPid::AtLeastOnce(pid(entry.packet_id)),
            },
            retain: entry.retain,
            topic_name: &entry.topic,
            payload: &entry.payload,
        }),
        Stage::AwaitingComplete => Packet::Pubrel(pid(entry.packet_id)),
    };
    encode(&packet)
}
