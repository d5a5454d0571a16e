//! Checking a broker URL before the browser gets it, so mistakes get a helpful message instead
//! of the browser's bare "SyntaxError".

/// Why a broker URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerUrlError {
    /// Nothing was entered.
    Empty,
    /// An http(s) URL: WebSocket URLs start with ws:// or wss://.
    HttpScheme { suggestion: String },
    /// Some other scheme, or none.
    UnsupportedScheme,
    /// No host after the scheme.
    MissingHost,
    /// A secure (https) page may only open secure (wss) sockets.
    MixedContent,
    /// Credentials in the URL would leak into history and logs.
    CredentialsInUrl,
}

impl std::fmt::Display for BrokerUrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => write!(
                f,
                "enter the broker's WebSocket URL: ws:// or wss://, its host and port, and its path (often /mqtt)"
            ),
            Self::HttpScheme { suggestion } => write!(
                f,
                "MQTT over WebSocket needs a ws:// or wss:// URL; did you mean {suggestion}?"
            ),
            Self::UnsupportedScheme => write!(
                f,
                "the URL must start with ws:// or wss:// (browsers cannot open plain TCP MQTT ports like 1883)"
            ),
            Self::MissingHost => write!(f, "the URL has no host name"),
            Self::MixedContent => write!(
                f,
                "this page was loaded over https, so the browser only allows secure wss:// broker URLs"
            ),
            Self::CredentialsInUrl => write!(
                f,
                "put the username and password in their own fields, not in the URL"
            ),
        }
    }
}

/// Checks `url` for use from a page loaded over https (`page_is_secure`) or not.
pub fn check_broker_url(url: &str, page_is_secure: bool) -> Result<(), BrokerUrlError> {
    let url = url.trim();
    if url.is_empty() {
        return Err(BrokerUrlError::Empty);
    }
    let lower = url.to_ascii_lowercase();
    let (secure, rest) = if let Some(rest) = lower.strip_prefix("wss://") {
        (true, rest)
    } else if let Some(rest) = lower.strip_prefix("ws://") {
        (false, rest)
    } else if let Some(rest) = lower.strip_prefix("https://") {
        return Err(BrokerUrlError::HttpScheme {
            suggestion: format!("wss://{}", &url[url.len() - rest.len()..]),
        });
    } else if let Some(rest) = lower.strip_prefix("http://") {
        return Err(BrokerUrlError::HttpScheme {
            suggestion: format!("ws://{}", &url[url.len() - rest.len()..]),
        });
    } else {
        return Err(BrokerUrlError::UnsupportedScheme);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(BrokerUrlError::CredentialsInUrl);
    }
    if authority.is_empty() || authority.starts_with(':') {
        return Err(BrokerUrlError::MissingHost);
    }
    if page_is_secure && !secure {
        return Err(BrokerUrlError::MixedContent);
    }
    Ok(())
}

/// Describes a WebSocket close in words. `was_open` says whether the socket had opened:
/// browsers deliberately give no detail on why a connection failed, so the likely causes are
/// listed instead.
pub fn describe_close(code: u16, reason: &str, was_open: bool, url: &str) -> String {
    if !was_open {
        return format!(
            "could not connect to {url}: the broker is not reachable there, the address or path is \
             wrong, or the server does not accept MQTT over WebSocket (subprotocol \"mqtt\")"
        );
    }
    let detail = if reason.is_empty() {
        String::new()
    } else {
        format!(": {reason}")
    };
    match code {
        1000 => format!("the broker closed the connection{detail}"),
        1001 => format!("the broker is going away (restarting or shutting down){detail}"),
        1002 | 1003 | 1007 => {
            format!("the broker rejected the data it received (code {code}){detail}")
        }
        1009 => format!("a message was too large for the broker (code 1009){detail}"),
        1011 => format!("the broker hit an internal error (code 1011){detail}"),
        _ => format!("the connection to the broker was lost (code {code}){detail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_urls_pass_and_http_urls_get_a_suggestion() {
        assert_eq!(
            check_broker_url("wss://io.adafruit.com:443/mqtt", true),
            Ok(())
        );
        assert_eq!(
            check_broker_url(" ws://127.0.0.1:9001/mqtt ", false),
            Ok(())
        );
        assert_eq!(
            check_broker_url("https://io.adafruit.com/mqtt", false),
            Err(BrokerUrlError::HttpScheme {
                suggestion: "wss://io.adafruit.com/mqtt".into()
            })
        );
        assert_eq!(
            check_broker_url("mqtt://broker:1883", false),
            Err(BrokerUrlError::UnsupportedScheme)
        );
        assert_eq!(
            check_broker_url("ws:///mqtt", false),
            Err(BrokerUrlError::MissingHost)
        );
        assert_eq!(check_broker_url("", false), Err(BrokerUrlError::Empty));
    }

    #[test]
    fn a_secure_page_refuses_plain_ws() {
        assert_eq!(
            check_broker_url("ws://broker.local:9001", true),
            Err(BrokerUrlError::MixedContent)
        );
        assert_eq!(check_broker_url("ws://broker.local:9001", false), Ok(()));
    }

    #[test]
    fn credentials_in_the_url_are_refused() {
        assert_eq!(
            check_broker_url("wss://user:key@io.adafruit.com/mqtt", false),
            Err(BrokerUrlError::CredentialsInUrl)
        );
    }

    #[test]
    fn a_close_before_open_lists_the_likely_causes() {
        let text = describe_close(1006, "", false, "ws://x:1/mqtt");
        assert!(text.contains("ws://x:1/mqtt") && text.contains("subprotocol"));
        assert!(describe_close(1001, "", true, "u").contains("going away"));
        assert!(describe_close(4000, "bye", true, "u").ends_with(": bye"));
    }
}
