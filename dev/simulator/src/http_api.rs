//! The services' HTTP APIs, on the same port as their MQTT WebSocket (the way a browser reaches
//! them: `fetch` with CORS): a request head read from the socket, an answer as plain data from
//! the service's history, written back. The history answers themselves are in
//! `adafruit_history.rs` and `thingspeak_history.rs`.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A request's method, path, query and headers (names lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Head {
    /// `GET`, `OPTIONS`, …
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// Query parameters, decoded.
    pub query: BTreeMap<String, String>,
    /// Headers, names lower-cased.
    pub headers: BTreeMap<String, String>,
}

impl Head {
    /// Reads a request head (`None` if it is not one).
    pub fn parse(text: &str) -> Option<Self> {
        let mut lines = text.split("\r\n");
        let mut request_line = lines.next()?.split(' ');
        let method = request_line.next()?.to_owned();
        let target = request_line.next()?;
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let query = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let headers = lines
            .take_while(|line| !line.is_empty())
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        Some(Self {
            method,
            path: path.to_owned(),
            query,
            headers,
        })
    }

    /// Whether it asks for a WebSocket.
    pub fn is_upgrade(&self) -> bool {
        self.headers
            .get("upgrade")
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
    }

    /// The header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// `http://host` as the client addressed it, for links back.
    pub fn origin(&self) -> String {
        format!("http://{}", self.header("host").unwrap_or("127.0.0.1"))
    }
}

/// An answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Extra headers (CORS is added to every answer).
    pub headers: Vec<(String, String)>,
    /// Body text (JSON, or ThingSpeak's `-1`).
    pub body: String,
}

impl Answer {
    /// A JSON answer.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adafruit IO's error shape.
    pub fn error(status: u16, message: &str) -> Self {
        Self::json(status, serde_json::json!({ "error": message }).to_string())
    }

    /// With a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

/// What a browser's preflight for an `X-AIO-Key` header needs to hear.
pub fn preflight() -> Answer {
    Answer::json(204, "")
        .with_header("Access-Control-Allow-Methods", "GET, OPTIONS")
        .with_header("Access-Control-Allow-Headers", "X-AIO-Key, Content-Type")
        .with_header("Access-Control-Max-Age", "600")
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        _ => "Error",
    }
}

/// Reads the head of the request waiting on `stream` without taking it off the socket (a
/// WebSocket handshake then reads it again). `None` if none arrives within a few seconds.
pub fn peek_head(stream: &TcpStream) -> Option<Head> {
    let mut buffer = vec![0u8; 16 * 1024];
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    for _ in 0..50 {
        let n = stream.peek(&mut buffer).ok()?;
        if n == 0 {
            return None;
        }
        let text = String::from_utf8_lossy(&buffer[..n]);
        if let Some(end) = text.find("\r\n\r\n") {
            return Head::parse(&text[..end + 2]);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Takes the request head off `stream` and writes `answer`, then closes.
pub fn respond(mut stream: TcpStream, answer: &Answer) -> std::io::Result<()> {
    // The head was only peeked: consume it (a GET or OPTIONS has no body).
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"\r\n\r\n") && stream.read(&mut byte)? == 1 {
        seen.push(byte[0]);
    }
    let mut text = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: Link, Retry-After, X-Pagination-Limit, X-Pagination-Total, X-Pagination-Start, X-Pagination-End, X-Pagination-Count\r\nCache-Control: no-store\r\n",
        answer.status,
        reason(answer.status),
        answer.body.len()
    );
    for (name, value) in &answer.headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(&answer.body);
    stream.write_all(text.as_bytes())?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_is_read_with_its_query_and_headers() {
        let head = Head::parse(
            "GET /api/v2/u/feeds/k/data?start_time=2026-01-01T00%3A00%3A00Z&limit=5 HTTP/1.1\r\nHost: 127.0.0.1:9101\r\nX-AIO-Key: abc\r\n\r\n",
        )
        .expect("a head");
        assert_eq!(head.method, "GET");
        assert_eq!(head.path, "/api/v2/u/feeds/k/data");
        assert_eq!(
            head.query.get("start_time").map(String::as_str),
            Some("2026-01-01T00:00:00Z")
        );
        assert_eq!(head.header("x-aio-key"), Some("abc"));
        assert_eq!(head.origin(), "http://127.0.0.1:9101");
        assert!(!head.is_upgrade());
        let upgrade =
            Head::parse("GET /mqtt HTTP/1.1\r\nUpgrade: websocket\r\n\r\n").expect("a head");
        assert!(upgrade.is_upgrade());
    }
}
