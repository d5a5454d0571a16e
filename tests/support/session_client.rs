//! A plain MQTT client for browser tests: a bare [`Session`] on a [`BrokerSocket`], playing
//! a device or an observer beside the page (the page itself runs the full `Link`). Test code:
//! it reports every session event as it happens.
#![allow(dead_code)]

use feedboard::mqtt::{
    CommandError, DisconnectReason, Event, QoS, Session, SessionConfig, Subscription,
};
use feedboard::platform::clock;
use feedboard::transport::broker_url::describe_close;
use feedboard::transport::websocket::{BrokerSocket, SocketEvent};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

type EventSink = Rc<dyn Fn(Event)>;

struct Inner {
    session: Session,
    url: String,
    socket: Option<BrokerSocket>,
    socket_open: bool,
    timer: Option<Timeout>,
    sink: EventSink,
}

/// A browser MQTT client: one session, reconnected by calling [`MqttClient::connect`] again.
#[derive(Clone)]
pub struct MqttClient {
    inner: Rc<RefCell<Inner>>,
}

impl MqttClient {
    /// A client for `url` with these settings. Events are handed to `sink`, outside any borrow,
    /// so the sink may call back into the client.
    pub fn new(url: &str, config: SessionConfig, sink: impl Fn(Event) + 'static) -> Self {
        Self {
            inner: Rc::new(RefCell::new(Inner {
                session: Session::new(config),
                url: url.trim().to_owned(),
                socket: None,
                socket_open: false,
                timer: None,
                sink: Rc::new(sink),
            })),
        }
    }

    /// Whether the broker has accepted the connection.
    pub fn is_connected(&self) -> bool {
        self.inner
            .try_borrow()
            .is_ok_and(|inner| inner.session.state() == feedboard::mqtt::ConnectionState::Connected)
    }

    /// Opens the WebSocket; CONNECT follows when it is open. Also serves as "reconnect now".
    pub fn connect(&self) {
        if let Ok(mut state) = self.inner.try_borrow_mut() {
            state.session.cancel_reconnect();
        }
        open_socket(&self.inner);
    }

    /// Says goodbye to the broker and closes the socket.
    pub fn disconnect(&self) {
        self.with_session(|session| session.disconnect(clock::now()));
        pump(&self.inner);
        // A socket still opening has no session to end: close it and report that ourselves.
        let closed_while_opening = self
            .inner
            .try_borrow_mut()
            .ok()
            .and_then(|mut inner| inner.socket.take())
            .is_some();
        if closed_while_opening {
            self.emit(Event::Disconnected(DisconnectReason::ClosedByClient));
        }
    }

    /// Subscribes (now, or on connect).
    pub fn subscribe(&self, filter: &str, qos: QoS) -> Result<(), CommandError> {
        let result = self
            .with_session(|session| session.subscribe(filter, qos))
            .unwrap_or(Err(CommandError::NotConnected));
        pump(&self.inner);
        result
    }

    /// Unsubscribes.
    pub fn unsubscribe(&self, filter: &str) -> Result<bool, CommandError> {
        let result = self
            .with_session(|session| session.unsubscribe(filter))
            .unwrap_or(Err(CommandError::NotConnected));
        pump(&self.inner);
        result
    }

    /// Publishes; see [`Session::publish`].
    pub fn publish(
        &self,
        topic: &str,
        payload: &[u8],
        qos: QoS,
        retain: bool,
    ) -> Result<Option<u16>, CommandError> {
        let result = self
            .with_session(|session| session.publish(clock::now(), topic, payload, qos, retain))
            .unwrap_or(Err(CommandError::NotConnected));
        pump(&self.inner);
        result
    }

    /// The subscriptions with the broker's answers.
    pub fn subscriptions(&self) -> Vec<Subscription> {
        self.inner
            .try_borrow()
            .map(|inner| inner.session.subscriptions().iter().cloned().collect())
            .unwrap_or_default()
    }

    fn with_session<R>(&self, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
        self.inner
            .try_borrow_mut()
            .ok()
            .map(|mut inner| f(&mut inner.session))
    }

    fn emit(&self, event: Event) {
        let sink = self.inner.try_borrow().ok().map(|inner| inner.sink.clone());
        if let Some(sink) = sink {
            sink(event);
        }
    }
}

fn on_socket_event(weak: &Weak<RefCell<Inner>>, event: SocketEvent) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let now = clock::now();
    {
        let Ok(mut guard) = inner.try_borrow_mut() else {
            return;
        };
        let state = &mut *guard;
        match event {
            SocketEvent::Open => {
                state.socket_open = true;
                state.session.handle_transport_open(now);
            }
            SocketEvent::Binary(bytes) => state.session.handle_bytes(now, &bytes),
            SocketEvent::Text => state.session.handle_text_message(now),
            SocketEvent::Closed { code, reason } => {
                let detail = describe_close(code, &reason, state.socket_open, &state.url);
                state.socket = None;
                state.socket_open = false;
                state.session.handle_transport_closed(now, detail);
            }
        }
    }
    pump(&inner);
}

/// Sends what the session wants sent, hands its events out, and re-arms the timer.
fn pump(inner: &Rc<RefCell<Inner>>) {
    let (events, sink, reconnect_due) = {
        let Ok(mut guard) = inner.try_borrow_mut() else {
            return;
        };
        let state = &mut *guard;
        while let Some(bytes) = state.session.poll_transmit() {
            let sent = state.socket.as_ref().map(|socket| socket.send(&bytes));
            if let Some(Err(message)) = sent {
                state.session.handle_transport_closed(clock::now(), message);
            }
        }
        let mut events = Vec::new();
        let mut reconnect_due = false;
        while let Some(event) = state.session.poll_event() {
            reconnect_due |= event == Event::ReconnectDue;
            if matches!(event, Event::Disconnected(_)) {
                state.socket = None;
                state.socket_open = false;
            }
            events.push(event);
        }
        state.timer = state.session.poll_timeout().map(|deadline| {
            let delay = deadline.saturating_since(clock::now());
            let weak = Rc::downgrade(inner);
            let millis = u32::try_from(delay.as_millis()).unwrap_or(u32::MAX);
            Timeout::new(millis, move || on_timer(&weak))
        });
        (events, state.sink.clone(), reconnect_due)
    };
    for event in events {
        sink(event);
    }
    if reconnect_due {
        open_socket(inner);
    }
}

/// Opens a new socket for the session. A URL the browser refuses outright cannot get better by
/// retrying, so that failure is reported without scheduling a reconnect.
fn open_socket(inner: &Rc<RefCell<Inner>>) {
    let weak = Rc::downgrade(inner);
    let opened = {
        let Ok(mut state) = inner.try_borrow_mut() else {
            return;
        };
        state.socket = None;
        state.socket_open = false;
        let url = state.url.clone();
        BrokerSocket::open(&url, move |event| on_socket_event(&weak, event))
    };
    match opened {
        Ok(socket) => {
            if let Ok(mut state) = inner.try_borrow_mut() {
                state.socket = Some(socket);
            }
        }
        Err(message) => {
            let sink = inner.try_borrow().ok().map(|state| state.sink.clone());
            if let Some(sink) = sink {
                sink(Event::Disconnected(DisconnectReason::TransportClosed(
                    format!("could not open the connection: {message}"),
                )));
            }
        }
    }
}

fn on_timer(weak: &Weak<RefCell<Inner>>) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    if let Ok(mut state) = inner.try_borrow_mut() {
        state.session.handle_timeout(clock::now());
    }
    pump(&inner);
}
