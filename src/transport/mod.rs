//! The browser side of a connection: the WebSocket, the driver that feeds the session, and the
//! checks that turn browser failures into clear messages.

pub mod broker_url;
pub mod client;
pub mod websocket;
