//! Adafruit IO feed and group keys: what is allowed, and a clear message for what is not.

use std::fmt;

/// The longest key the Adafruit IO libraries accept.
pub const MAX_KEY_LEN: usize = 128;

/// What is wrong with a feed key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedKeyError {
    /// Nothing was entered.
    Empty,
    /// Longer than [`MAX_KEY_LEN`].
    TooLong(usize),
    /// A character other than letters, digits, `-`, and one `.` between group and feed.
    InvalidCharacter { character: char, position: usize },
    /// A `.` at the start or end, or more than one.
    MisplacedDot,
}

impl fmt::Display for FeedKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "the feed key is empty"),
            Self::TooLong(len) => write!(
                f,
                "the feed key is {len} characters long; Adafruit IO allows {MAX_KEY_LEN}"
            ),
            Self::InvalidCharacter {
                character,
                position,
            } => write!(
                f,
                "the feed key cannot contain {} (position {position}); use lower-case \
                 letters, digits and dashes, like \"living-room-temp\"",
                CharacterName(*character)
            ),
            Self::MisplacedDot => write!(
                f,
                "a dot may only separate a group key from a feed key, like \"garden.soil-moisture\""
            ),
        }
    }
}

impl std::error::Error for FeedKeyError {}

/// A character as the message names it: quoted if it shows, else "a space" or its code point.
/// (Not `{:?}`: Rust's debug quoting brings core's Unicode printability tables into the page,
/// about 4 KB of download.)
struct CharacterName(char);

impl fmt::Display for CharacterName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ' ' => f.write_str("a space"),
            c if c.is_whitespace() || c.is_control() => write!(f, "U+{:04X}", u32::from(c)),
            c => write!(f, "'{c}'"),
        }
    }
}

/// Checks a feed key, optionally prefixed by its group (`group.key`), the way the Adafruit IO
/// client libraries do: `^[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)?$`, at most 128 characters. (The
/// libraries also accept `/` as the separator; in a topic that is ambiguous, so it is refused.)
pub fn validate_feed_key(key: &str) -> Result<(), FeedKeyError> {
    if key.is_empty() {
        return Err(FeedKeyError::Empty);
    }
    let len = key.chars().count();
    if len > MAX_KEY_LEN {
        return Err(FeedKeyError::TooLong(len));
    }
    for (position, character) in key.chars().enumerate() {
        if !(character.is_ascii_alphanumeric() || character == '-' || character == '.') {
            return Err(FeedKeyError::InvalidCharacter {
                character,
                position: position + 1,
            });
        }
    }
    let dots = key.matches('.').count();
    if dots > 1 || key.starts_with('.') || key.ends_with('.') {
        return Err(FeedKeyError::MisplacedDot);
    }
    Ok(())
}

/// Checks a group key: like a feed key, without the dot.
pub fn validate_group_key(key: &str) -> Result<(), FeedKeyError> {
    validate_feed_key(key)?;
    match key.find('.') {
        Some(_) => Err(FeedKeyError::MisplacedDot),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_the_documentation_are_valid() {
        for key in [
            "photocell-one",
            "counter",
            "example.counter-3",
            "something.fake-11",
            "Temp1",
        ] {
            assert_eq!(validate_feed_key(key), Ok(()), "{key}");
        }
    }

    #[test]
    fn invalid_keys_say_what_is_wrong() {
        assert_eq!(validate_feed_key(""), Err(FeedKeyError::Empty));
        assert_eq!(
            validate_feed_key(&"a".repeat(129)),
            Err(FeedKeyError::TooLong(129))
        );
        assert_eq!(
            validate_feed_key("living room"),
            Err(FeedKeyError::InvalidCharacter {
                character: ' ',
                position: 7
            })
        );
        assert_eq!(validate_feed_key("a.b.c"), Err(FeedKeyError::MisplacedDot));
        assert_eq!(validate_feed_key(".a"), Err(FeedKeyError::MisplacedDot));
        assert!(validate_feed_key("temp/#").is_err());
        assert_eq!(
            validate_group_key("garden.soil"),
            Err(FeedKeyError::MisplacedDot)
        );
        let message = validate_feed_key("temp_1").unwrap_err().to_string();
        assert!(
            message.contains("'_'") && message.contains("dashes"),
            "{message}"
        );
        let space = validate_feed_key("living room").unwrap_err().to_string();
        assert!(
            space.contains("cannot contain a space (position 7)"),
            "{space}"
        );
        let tab = validate_feed_key("a\tb").unwrap_err().to_string();
        assert!(tab.contains("cannot contain U+0009"), "{tab}");
    }
}
