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

/// Previews `payload` in at most `max_chars` characters of text.
pub fn preview(payload: &[u8], max_chars: usize) -> PayloadPreview {
    match std::str::from_utf8(payload) {
        Ok(text) => {
            let mut chars = text.chars();
            let mut shown: String = chars.by_ref().take(max_chars).collect();
            if chars.next().is_some() {
                shown.push('…');
            }
            PayloadPreview::Text(shown)
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
