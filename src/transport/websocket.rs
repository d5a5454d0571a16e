//! The only code that touches `web_sys::WebSocket`.
//!
//! [`BrokerSocket`] owns its event-handler closures and removes them when dropped (wasm-bindgen
//! defers freeing a closure that is still running, so dropping from inside a handler is safe).

use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

/// What happened on the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketEvent {
    /// The WebSocket handshake completed.
    Open,
    /// A binary message arrived.
    Binary(Vec<u8>),
    /// A text message arrived (not valid for MQTT).
    Text,
    /// The socket closed (after an error, too: browsers report errors without detail and
    /// follow them with a close — except WebKit for a port it refuses, e.g. 9, which fires an
    /// error and never a close: then the close is made up, once).
    Closed {
        /// WebSocket close code.
        code: u16,
        /// Close reason sent by the server, often empty.
        reason: String,
    },
}

type Handler = Rc<RefCell<dyn FnMut(SocketEvent)>>;

/// An open (or opening) WebSocket to an MQTT broker with subprotocol `mqtt`.
pub struct BrokerSocket {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
    /// Set once a close was reported (or the socket dropped): nothing is reported after it.
    closed: Rc<Cell<bool>>,
}

/// How long after an error a close may still come before it is made up.
const CLOSE_AFTER_ERROR_MS: u32 = 200;

impl BrokerSocket {
    /// Starts connecting to `url`. The browser's error text is returned if it refuses at once.
    pub fn open(url: &str, on_event: impl FnMut(SocketEvent) + 'static) -> Result<Self, String> {
        let socket = WebSocket::new_with_str(url, "mqtt").map_err(|error| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "the browser refused to open the connection".to_owned())
        })?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        let handler: Handler = Rc::new(RefCell::new(on_event));

        let on_open = {
            let handler = handler.clone();
            Closure::<dyn FnMut(Event)>::new(move |_| dispatch(&handler, SocketEvent::Open))
        };
        let on_message = {
            let handler = handler.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                let message = match data.dyn_into::<js_sys::ArrayBuffer>() {
                    Ok(buffer) => SocketEvent::Binary(js_sys::Uint8Array::new(&buffer).to_vec()),
                    Err(_) => SocketEvent::Text,
                };
                dispatch(&handler, message);
            })
        };
        let closed = Rc::new(Cell::new(false));
        let on_close = {
            let (handler, closed) = (handler.clone(), closed.clone());
            Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
                if !closed.replace(true) {
                    let reason = event.reason();
                    dispatch(
                        &handler,
                        SocketEvent::Closed {
                            code: event.code(),
                            reason,
                        },
                    );
                }
            })
        };
        let on_error = {
            let closed = closed.clone();
            Closure::<dyn FnMut(Event)>::new(move |_| {
                let (handler, closed) = (handler.clone(), closed.clone());
                Timeout::new(CLOSE_AFTER_ERROR_MS, move || {
                    if !closed.replace(true) {
                        // 1006: closed abnormally, what a close after an error carries.
                        let reason = String::new();
                        dispatch(&handler, SocketEvent::Closed { code: 1006, reason });
                    }
                })
                // Runs once by itself; a dropped socket has set `closed`, so it does nothing.
                .forget();
            })
        };
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        socket.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            _on_error: on_error,
            closed,
        })
    }

    /// Sends one binary message.
    pub fn send(&self, bytes: &[u8]) -> Result<(), String> {
        self.socket
            .send_with_u8_array(bytes)
            .map_err(|_| "the connection is not open".to_owned())
    }
}

impl Drop for BrokerSocket {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        self.socket.set_onerror(None);
        self.closed.set(true);
        // Data already passed to send() is flushed before the close frame.
        let _ = self.socket.close();
    }
}

fn dispatch(handler: &Handler, event: SocketEvent) {
    // A handler never runs inside another (browser events are not re-entrant); if it somehow
    // did, dropping the nested event beats a panic that would kill the page.
    if let Ok(mut handler) = handler.try_borrow_mut() {
        handler(event);
    }
}
