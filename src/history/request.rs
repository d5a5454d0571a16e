//! The HTTP requests that read history, and the parts of an answer the reads look at. Where the
//! API lives: the address the user typed, else one made from an overridden broker URL (the
//! simulator serves both on one port), else the service's own.

use crate::service::descriptor::{HistoryApi, HistoryDialect};
use crate::time::calendar::iso8601_seconds;
use std::fmt;

/// Points Adafruit IO returns per page of raw data, at most.
pub const ADAFRUIT_PAGE_LIMIT: u32 = 1000;

/// A GET to make.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The address, query included.
    pub url: String,
    /// Headers (name, value); values may be secret.
    pub headers: Vec<(String, String)>,
}

impl fmt::Debug for HttpRequest {
    /// Without header values or a ThingSpeak read key: a debug print must not leak a key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("url", &redacted(&self.url))
            .field("headers", &names)
            .finish()
    }
}

/// `url` with the value of any `api_key` parameter hidden.
fn redacted(url: &str) -> String {
    match url.split_once("api_key=") {
        Some((before, after)) => {
            let rest = after.find('&').map_or("", |at| &after[at..]);
            format!("{before}api_key=…{rest}")
        }
        None => url.to_owned(),
    }
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
    /// The `Link` header, if any (Adafruit IO's pagination).
    pub link: Option<String>,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
}

/// The API address for a connection: `typed` if the user gave one; else, when the broker URL
/// was changed from the service's, the same host over HTTP(S) with the API's path; else the
/// service's own. No trailing slash.
pub fn api_address(
    api: &HistoryApi,
    default_broker_url: &str,
    typed: &str,
    broker: &str,
) -> String {
    let typed = typed.trim().trim_end_matches('/');
    if !typed.is_empty() {
        return typed.to_owned();
    }
    let broker = broker.trim();
    if broker.is_empty() || broker == default_broker_url {
        return api.default_base.to_owned();
    }
    let (scheme, rest) = match broker.split_once("://") {
        Some(("wss", rest)) => ("https", rest),
        Some((_, rest)) => ("http", rest),
        None => ("http", broker),
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    format!("{scheme}://{host}{}", api.path)
}

/// Everything a read needs to address and authenticate its requests.
#[derive(Clone, PartialEq, Eq)]
pub struct Access {
    /// The API's grammar.
    pub dialect: HistoryDialect,
    /// The API address (see [`api_address`]).
    pub base: String,
    /// Adafruit IO: the key for `X-AIO-Key` (empty: public feeds only).
    pub key: String,
    /// ThingSpeak: Read API keys of private channels.
    pub read_keys: Vec<(u64, String)>,
}

impl fmt::Debug for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Access")
            .field("dialect", &self.dialect)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Access {
    fn get(&self, url: String) -> HttpRequest {
        let mut headers = Vec::new();
        // The key goes in a header, never in the address (addresses end up in logs).
        if self.dialect == HistoryDialect::AdafruitIo && !self.key.is_empty() {
            headers.push(("X-AIO-Key".to_owned(), self.key.clone()));
        }
        HttpRequest { url, headers }
    }

    /// Adafruit IO raw points of `owner`'s `key` since `start_ms`, newest first.
    pub fn adafruit_raw(&self, owner: &str, key: &str, start_ms: f64) -> HttpRequest {
        self.get(format!(
            "{}/{}/feeds/{}/data?start_time={}&limit={ADAFRUIT_PAGE_LIMIT}&include=value,lat,lon,ele,created_at",
            self.base,
            segment(owner),
            segment(key),
            iso8601_seconds(start_ms as i64),
        ))
    }

    /// Adafruit IO chart data (summarised by the service) of the last `hours`.
    pub fn adafruit_chart(&self, owner: &str, key: &str, hours: u32) -> HttpRequest {
        self.get(format!(
            "{}/{}/feeds/{}/data/chart?hours={hours}",
            self.base,
            segment(owner),
            segment(key),
        ))
    }

    /// ThingSpeak entries of `channel` over the last `minutes`, oldest first.
    pub fn thingspeak_channel(&self, channel: u64, minutes: u32) -> HttpRequest {
        let mut url = format!(
            "{}/channels/{channel}/feeds.json?minutes={minutes}",
            self.base
        );
        // ThingSpeak documents the read key only as a parameter.
        if let Some((_, key)) = self.read_keys.iter().find(|(c, _)| *c == channel) {
            url.push_str("&api_key=");
            url.push_str(&segment(key.trim()));
        }
        self.get(url)
    }

    /// The next (older) page named by a `Link` header, if it is on the API's own origin (the
    /// key is never sent anywhere else).
    pub fn next_page(&self, link: &str) -> Option<HttpRequest> {
        let next = link.split(',').find_map(|part| {
            let (target, params) = part.split_once(';')?;
            params
                .split(';')
                .any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"))
                .then(|| target.trim().trim_start_matches('<').trim_end_matches('>'))
        })?;
        let url = if next.starts_with('/') {
            format!("{}{next}", origin(&self.base))
        } else {
            next.to_owned()
        };
        (origin(&url) == origin(&self.base)).then(|| self.get(url))
    }
}

/// `scheme://host[:port]` of `url`.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| after_scheme + at);
    &url[..end]
}

/// `text` as one path segment or query value.
fn segment(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::descriptor::{ADAFRUIT_IO, THINGSPEAK};

    fn adafruit(base: &str) -> Access {
        Access {
            dialect: HistoryDialect::AdafruitIo,
            base: base.into(),
            key: "aio_SECRET".into(),
            read_keys: Vec::new(),
        }
    }

    #[test]
    fn the_address_is_typed_or_made_from_the_broker_or_the_services() {
        let api = ADAFRUIT_IO.history.expect("Adafruit IO keeps history");
        let default = ADAFRUIT_IO.default_url;
        assert_eq!(
            api_address(&api, default, "", default),
            "https://io.adafruit.com/api/v2"
        );
        assert_eq!(
            api_address(&api, default, "", "ws://127.0.0.1:9101/mqtt"),
            "http://127.0.0.1:9101/api/v2"
        );
        assert_eq!(
            api_address(&api, default, "", "wss://proxy.example:8443/mqtt"),
            "https://proxy.example:8443/api/v2"
        );
        assert_eq!(
            api_address(&api, default, " http://localhost:3000/v2/ ", default),
            "http://localhost:3000/v2"
        );
        let ts = THINGSPEAK.history.expect("ThingSpeak keeps history");
        assert_eq!(
            api_address(&ts, THINGSPEAK.default_url, "", "ws://127.0.0.1:9102/mqtt"),
            "http://127.0.0.1:9102"
        );
    }

    #[test]
    fn the_aio_key_goes_in_a_header_and_never_in_the_address() {
        let access = adafruit("https://io.adafruit.com/api/v2");
        let raw = access.adafruit_raw("maker", "garden.temp", 1_764_000_000_000.0);
        assert_eq!(
            raw.url,
            "https://io.adafruit.com/api/v2/maker/feeds/garden.temp/data?start_time=2025-11-24T16:00:00Z&limit=1000&include=value,lat,lon,ele,created_at"
        );
        assert_eq!(
            raw.headers,
            vec![("X-AIO-Key".to_owned(), "aio_SECRET".to_owned())]
        );
        let chart = access.adafruit_chart("maker", "a b", 24);
        assert_eq!(
            chart.url,
            "https://io.adafruit.com/api/v2/maker/feeds/a%20b/data/chart?hours=24"
        );
        assert!(!format!("{raw:?}{access:?}").contains("SECRET"));
    }

    #[test]
    fn thingspeak_reads_carry_the_channels_read_key_only_for_that_channel() {
        let access = Access {
            dialect: HistoryDialect::ThingSpeak,
            base: "https://api.thingspeak.com".into(),
            key: String::new(),
            read_keys: vec![(12, "RK12".into())],
        };
        assert_eq!(
            access.thingspeak_channel(12, 60).url,
            "https://api.thingspeak.com/channels/12/feeds.json?minutes=60&api_key=RK12"
        );
        let public = access.thingspeak_channel(13, 1440);
        assert_eq!(
            public.url,
            "https://api.thingspeak.com/channels/13/feeds.json?minutes=1440"
        );
        assert!(public.headers.is_empty());
        assert!(!format!("{:?}", access.thingspeak_channel(12, 60)).contains("RK12"));
    }

    #[test]
    fn the_next_page_is_followed_only_on_the_apis_own_origin() {
        let access = adafruit("https://io.adafruit.com/api/v2");
        let link = r#"<https://io.adafruit.com/api/v2/maker/feeds/t/data?before=ABC&limit=1000>; rel="next", <https://io.adafruit.com/api/v2/maker/feeds/t/data?limit=1000>; rel="first""#;
        let next = access.next_page(link).expect("a next page");
        assert_eq!(
            next.url,
            "https://io.adafruit.com/api/v2/maker/feeds/t/data?before=ABC&limit=1000"
        );
        assert_eq!(next.headers.len(), 1);
        assert_eq!(
            access.next_page(r#"<https://evil.example/api/v2/x?before=1>; rel="next""#),
            None
        );
        assert_eq!(
            access.next_page(r#"<https://io.adafruit.com/x>; rel="prev""#),
            None
        );
        let relative = access
            .next_page(r#"</api/v2/maker/feeds/t/data?before=Z>; rel="next""#)
            .expect("a relative next page");
        assert_eq!(
            relative.url,
            "https://io.adafruit.com/api/v2/maker/feeds/t/data?before=Z"
        );
    }
}
