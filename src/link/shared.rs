//! What the tabs of one account tell each other about their budgets. The service counts all
//! of an account's tabs together, so a spend, pause or ban in one tab holds back the others.
//! The link says what to share and takes in what others shared; carrying it between tabs
//! (browser storage, wall-clock times) is the driver's job.

use crate::budget::action::ActionClass;
use crate::time::Instant;

/// One change to an account's budgets.
#[derive(Debug, Clone, PartialEq)]
pub enum Shared {
    /// Tokens spent.
    Spend {
        /// The class.
        class: ActionClass,
        /// How many.
        cost: u32,
        /// When.
        at: Instant,
    },
    /// The service paused a class.
    Pause {
        /// The class.
        class: ActionClass,
        /// Until when.
        until: Instant,
    },
    /// The account is banned.
    Ban {
        /// Until when.
        until: Instant,
    },
}
