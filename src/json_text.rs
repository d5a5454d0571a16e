//! JSON as text: the one way the app writes a `serde_json::Value` out.
//!
//! Not `value.to_string()`: that goes through serde_json's `Display`, whose adapter from
//! `io::Write` to `fmt::Write` makes an `io::Error` from a string, and with it core's Unicode
//! printability tables for that error's debug text (about 4 KB of the page's download).

/// `value` as compact JSON text.
pub fn json_text(value: &serde_json::Value) -> String {
    // Writing a `Value` into a `Vec` cannot fail (its keys are strings, its writer infallible).
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_what_display_writes() {
        let value = json!({"a": [1, 2.5, "x\"y"], "b": null, "c": {"d": true}});
        assert_eq!(json_text(&value), value.to_string());
        assert_eq!(
            json_text(&value),
            r#"{"a":[1,2.5,"x\"y"],"b":null,"c":{"d":true}}"#
        );
    }
}
