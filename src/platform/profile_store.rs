//! The profile book in `localStorage`.

use crate::profile::ProfileBook;

/// Where the book is kept.
pub const KEY: &str = "feedboard.profiles";

use super::local_storage as storage;

/// What reading the stored book found.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// Nothing stored yet.
    Nothing,
    /// The book.
    Book(ProfileBook),
    /// Something stored that this build cannot read (damaged, or from a newer Feedboard).
    Unreadable,
}

/// Reads the stored book.
pub fn load() -> Loaded {
    match storage().and_then(|s| s.get_item(KEY).ok().flatten()) {
        None => Loaded::Nothing,
        Some(text) => ProfileBook::decode(&text).map_or(Loaded::Unreadable, Loaded::Book),
    }
}

/// Stores `book`; false when the browser would not.
pub fn save(book: &ProfileBook) -> bool {
    storage().is_some_and(|s| s.set_item(KEY, &book.encode()).is_ok())
}
