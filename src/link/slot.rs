//! Who made an outgoing publish. A newer publish from the same slot replaces one still waiting
//! for its budget, so the slot is what the latest-value rule is keyed by.

use std::fmt;

/// Which part of a control published (a button sends on press and on release).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ControlPart {
    /// The control's one value (toggle, slider, text, colour).
    Value,
    /// A push button pressed.
    Press,
    /// A push button released.
    Release,
    /// A ThingSpeak channel form's merged update.
    Form,
}

/// The owner of an outgoing publish.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SlotId {
    /// A control on a dashboard card.
    Control {
        /// The card's id.
        card: u32,
        /// Which of its parts.
        part: ControlPart,
    },
    /// A publish kept in storage by an earlier load of the page, in its saved order.
    Restored(u32),
    /// The service's "send me the last value" request for a topic (Adafruit IO's `/get`).
    LastValue(String),
}

impl SlotId {
    /// The slot of card `card`'s `part`.
    pub fn control(card: u32, part: ControlPart) -> Self {
        Self::Control { card, part }
    }
}

impl fmt::Display for SlotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Control { card, part } => write!(f, "card {card} ({part:?})"),
            Self::Restored(index) => write!(f, "kept message {index}"),
            Self::LastValue(topic) => write!(f, "last value of {topic}"),
        }
    }
}
