//! Adafruit IO, ThingSpeak and generic brokers as data: descriptors, topic grammars, payload
//! codecs. Nothing here may depend on the browser.

pub mod adafruit_payload;
pub mod adafruit_topic;
pub mod behaviour;
pub mod descriptor;
pub mod feed_key;
pub mod feed_ref;
pub mod incoming;
pub mod outgoing;
pub mod thingspeak;
pub mod value;

pub use descriptor::{ServiceDescriptor, ServiceKind};
