//! Drives a [`Link`] with a [`BrokerSocket`], `fetch` and a timer: the glue between the sans-IO core and
//! the browser. It decides nothing: it feeds the link what the socket and the clock did, does
//! what [`Link::poll_transmit`] says, and tells its owner when events wait to be read.

use super::broker_url::describe_close;
use super::websocket::{BrokerSocket, SocketEvent};
use crate::history::{FetchId, HttpResponse};
use crate::link::{Link, LinkEvent, Transmit};
use crate::platform::clock;
use crate::platform::http;
use crate::time::Instant;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

struct Inner {
    link: Link,
    url: String,
    socket: Option<BrokerSocket>,
    socket_open: bool,
    /// The armed timer and the deadline it serves (re-armed only when the deadline moves, not
    /// for every message of a burst).
    timer: Option<(Instant, Timeout)>,
    /// Called when the link has events to read.
    ready: Rc<dyn Fn()>,
}

/// A link with its socket and timer. Cloning gives another handle on the same link.
#[derive(Clone)]
pub struct LinkDriver {
    inner: Rc<RefCell<Inner>>,
}

impl LinkDriver {
    /// Drives `link`; `ready` is called (outside any borrow) whenever events wait in
    /// [`LinkDriver::events`].
    pub fn new(link: Link, ready: impl Fn() + 'static) -> Self {
        let url = link.settings().url.trim().to_owned();
        Self {
            inner: Rc::new(RefCell::new(Inner {
                link,
                url,
                socket: None,
                socket_open: false,
                timer: None,
                ready: Rc::new(ready),
            })),
        }
    }

    /// Runs a command on the link at the current time, then does what it asks. `None` if the
    /// link is busy (a command from inside a command), which the caller treats as refused.
    pub fn command<R>(&self, command: impl FnOnce(&mut Link, Instant) -> R) -> Option<R> {
        let result = {
            let mut inner = self.inner.try_borrow_mut().ok()?;
            command(&mut inner.link, clock::now())
        };
        flush(&self.inner);
        Some(result)
    }

    /// Reads the link's state.
    pub fn read<R>(&self, read: impl FnOnce(&Link) -> R) -> Option<R> {
        self.inner.try_borrow().ok().map(|inner| read(&inner.link))
    }

    /// Takes the events waiting.
    pub fn events(&self) -> Vec<LinkEvent> {
        self.inner
            .try_borrow_mut()
            .map(|mut inner| std::iter::from_fn(|| inner.link.poll_event()).collect())
            .unwrap_or_default()
    }
}

fn on_socket_event(weak: &Weak<RefCell<Inner>>, event: SocketEvent) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    {
        let Ok(mut guard) = inner.try_borrow_mut() else {
            return;
        };
        let state = &mut *guard;
        let now = clock::now();
        match event {
            SocketEvent::Open => {
                state.socket_open = true;
                state.link.handle_transport_open(now);
            }
            SocketEvent::Binary(bytes) => state.link.handle_bytes(now, &bytes),
            SocketEvent::Text => state.link.handle_text_message(now),
            SocketEvent::Closed { code, reason } => {
                let detail = describe_close(code, &reason, state.socket_open, &state.url);
                state.socket = None;
                state.socket_open = false;
                state.link.handle_transport_closed(now, detail);
            }
        }
    }
    flush(&inner);
}

fn on_fetch_done(weak: &Weak<RefCell<Inner>>, id: FetchId, result: Result<HttpResponse, String>) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    if let Ok(mut state) = inner.try_borrow_mut() {
        let now = clock::now();
        match result {
            Ok(response) => state.link.handle_fetch_response(now, id, &response),
            Err(message) => state.link.handle_fetch_failed(now, id, &message),
        }
    }
    flush(&inner);
}

fn on_timer(weak: &Weak<RefCell<Inner>>) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    if let Ok(mut state) = inner.try_borrow_mut() {
        state.timer = None;
        state.link.handle_timeout(clock::now());
    }
    flush(&inner);
}

/// Does what the link asks of the socket, re-arms the timer, and says when events wait.
fn flush(inner: &Rc<RefCell<Inner>>) {
    let ready = {
        let Ok(mut guard) = inner.try_borrow_mut() else {
            return;
        };
        let state = &mut *guard;
        while let Some(transmit) = state.link.poll_transmit() {
            match transmit {
                Transmit::Open => {
                    state.socket = None;
                    state.socket_open = false;
                    let weak = Rc::downgrade(inner);
                    match BrokerSocket::open(&state.url, move |e| on_socket_event(&weak, e)) {
                        Ok(socket) => state.socket = Some(socket),
                        Err(message) => state.link.handle_transport_refused(clock::now(), &message),
                    }
                }
                Transmit::Bytes(bytes) => {
                    let sent = state.socket.as_ref().map(|socket| socket.send(&bytes));
                    if let Some(Err(message)) = sent {
                        state.link.handle_transport_closed(clock::now(), message);
                    }
                }
                Transmit::Close => {
                    state.socket = None;
                    state.socket_open = false;
                }
                Transmit::Fetch { id, request } => {
                    let weak = Rc::downgrade(inner);
                    wasm_bindgen_futures::spawn_local(async move {
                        let result = http::get(&request).await;
                        on_fetch_done(&weak, id, result);
                    });
                }
            }
        }
        let deadline = state.link.poll_timeout();
        if deadline != state.timer.as_ref().map(|(at, _)| *at) {
            state.timer = deadline.map(|at| {
                let delay = at.saturating_since(clock::now());
                let weak = Rc::downgrade(inner);
                // A millisecond late rather than early: the browser may fire a timer a fraction
                // early, and a deadline not yet reached would only re-arm the same timer.
                let millis = u32::try_from(delay.as_millis())
                    .unwrap_or(u32::MAX)
                    .saturating_add(1);
                (at, Timeout::new(millis, move || on_timer(&weak)))
            });
        }
        state.link.has_events().then(|| state.ready.clone())
    };
    if let Some(ready) = ready {
        ready();
    }
}
