//! Showing an arbitrary payload as text. Payloads are bytes from strangers: they are rendered as
//! text nodes (never HTML), shortened, and shown as hex when they are not UTF-8.

use std::fmt;

/// A payload made fit for a table cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadPreview {
    /// UTF-8 text, cut to the requested length with "…" when longer.
    Text(String),
    /// Not UTF-8: the size and the first bytes in hex.
    Binary { len: usize, head: String },
}

/// `text` cut to `max_chars` characters, with "…" when it was longer.
pub fn shorten(text: &str, max_chars: usize) -> String {
    let mut chars = text.chars();
    let mut shown: String = chars.by_ref().take(max_chars).collect();
    if chars.next().is_some() {
        shown.push('…');
    }
    shown
}

/// Previews `payload` in at most `max_chars` characters of text.
pub fn preview(payload: &[u8], max_chars: usize) -> PayloadPreview {
    match std::str::from_utf8(payload) {
        Ok(text) => PayloadPreview::Text(shorten(text, max_chars)),
        Err(_) => {
            const HEAD_BYTES: usize = 16;
            let mut head: Vec<String> = payload
                .iter()
                .take(HEAD_BYTES)
                .map(|byte| format!("{byte:02x}"))
                .collect();
            if payload.len() > HEAD_BYTES {
                head.push("…".to_owned());
            }
            PayloadPreview::Binary {
                len: payload.len(),
                head: head.join(" "),
            }
        }
    }
}

impl fmt::Display for PayloadPreview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) => f.write_str(text),
            Self::Binary { len, head } => write!(f, "binary, {len} bytes: {head}"),
        }
    }
}

/// How the message log shows a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PayloadFormat {
    /// JSON pretty-printed when it is JSON, hex when it is not UTF-8, text otherwise.
    #[default]
    Auto,
    /// As text (invalid UTF-8 shown with replacement characters).
    Text,
    /// Pretty-printed JSON (text, with a note, when it does not parse).
    Json,
    /// A hex dump with offsets and printable characters.
    Hex,
}

impl PayloadFormat {
    /// Every format, in menu order, with its name.
    pub const ALL: [(PayloadFormat, &'static str); 4] = [
        (PayloadFormat::Auto, "auto"),
        (PayloadFormat::Text, "text"),
        (PayloadFormat::Json, "json"),
        (PayloadFormat::Hex, "hex"),
    ];

    /// The format's name (as in the menu).
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(format, _)| *format == self)
            .map_or("auto", |(_, name)| name)
    }

    /// The format called `name`, or Auto.
    pub fn from_name(name: &str) -> Self {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map_or(Self::Auto, |(format, _)| *format)
    }
}

/// `payload` shown in `format`, as plain text for a text node. At most `max_bytes` of the
/// payload are shown; the rest is summarised.
pub fn render_payload(payload: &[u8], format: PayloadFormat, max_bytes: usize) -> String {
    let shown = payload.get(..max_bytes).unwrap_or(payload);
    let cut = payload.len() - shown.len();
    let body = match format {
        PayloadFormat::Auto => match std::str::from_utf8(payload) {
            Err(_) => hex_dump(shown),
            Ok(text) => pretty_json(text).unwrap_or_else(|| lossy(shown)),
        },
        PayloadFormat::Text => lossy(shown),
        PayloadFormat::Json => match std::str::from_utf8(payload).ok().and_then(pretty_json) {
            Some(pretty) => pretty,
            None => format!("(not JSON) {}", lossy(shown)),
        },
        PayloadFormat::Hex => hex_dump(shown),
    };
    let body = match body.char_indices().nth(max_bytes.max(1) * 4) {
        // Pretty JSON can be longer than the payload; keep it bounded too.
        Some((at, _)) => body[..at].to_owned(),
        None => body,
    };
    if cut > 0 {
        format!("{body}\n… {cut} more bytes ({} in all)", payload.len())
    } else {
        body
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Pretty JSON for objects and arrays; scalars are better shown as they are.
fn pretty_json(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    if !(value.is_object() || value.is_array()) {
        return None;
    }
    serde_json::to_string_pretty(&value).ok()
}

/// `0000  48 65 6c 6c 6f  |Hello|`, sixteen bytes a line.
pub fn hex_dump(bytes: &[u8]) -> String {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(line, chunk)| {
            let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            let ascii: String = chunk
                .iter()
                .map(|&b| {
                    if b.is_ascii_graphic() || b == b' ' {
                        char::from(b)
                    } else {
                        '.'
                    }
                })
                .collect();
            format!("{:04x}  {:<47}  |{ascii}|", line * 16, hex.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_pretty_prints_json_dumps_binary_and_leaves_text_alone() {
        assert_eq!(
            render_payload(br#"{"value":1}"#, PayloadFormat::Auto, 1000),
            "{\n  \"value\": 1\n}"
        );
        assert_eq!(render_payload(b"21.5", PayloadFormat::Auto, 1000), "21.5");
        assert_eq!(
            render_payload(&[0xff, 0x41], PayloadFormat::Auto, 1000),
            format!("0000  ff 41{}  |.A|", " ".repeat(42))
        );
    }

    #[test]
    fn json_view_says_when_the_payload_is_not_json() {
        assert_eq!(
            render_payload(b"<b>hi</b>", PayloadFormat::Json, 1000),
            "(not JSON) <b>hi</b>"
        );
        assert_eq!(
            render_payload(b"<b>hi</b>", PayloadFormat::Text, 1000),
            "<b>hi</b>"
        );
    }

    #[test]
    fn large_payloads_are_cut_with_a_summary() {
        let big = vec![b'a'; 5000];
        let shown = render_payload(&big, PayloadFormat::Text, 100);
        assert!(shown.starts_with(&"a".repeat(100)));
        assert!(
            shown.ends_with("… 4900 more bytes (5000 in all)"),
            "{shown}"
        );
        let dump = hex_dump(&(0..40u8).collect::<Vec<_>>());
        assert_eq!(dump.lines().count(), 3);
        assert!(dump
            .lines()
            .nth(2)
            .is_some_and(|l| l.starts_with("0020  20 21")));
        assert_eq!(PayloadFormat::from_name("hex"), PayloadFormat::Hex);
        assert_eq!(PayloadFormat::from_name("?"), PayloadFormat::Auto);
    }

    #[test]
    fn short_text_is_shown_whole_and_long_text_is_cut_on_a_character() {
        assert_eq!(preview(b"21.5", 10), PayloadPreview::Text("21.5".into()));
        assert_eq!(
            preview("héllo wörld".as_bytes(), 7),
            PayloadPreview::Text("héllo w…".into())
        );
    }

    #[test]
    fn markup_stays_literal_text() {
        let shown = preview(b"<script>alert(1)</script>", 100).to_string();
        assert_eq!(shown, "<script>alert(1)</script>");
    }

    #[test]
    fn non_utf8_is_shown_as_hex_with_its_size() {
        let bytes: Vec<u8> = (0..=255u8).collect();
        let shown = preview(&bytes, 100).to_string();
        assert!(shown.starts_with("binary, 256 bytes: 00 01 02"), "{shown}");
        assert!(shown.ends_with("0f …"), "{shown}");
    }
}
