//! Writing responses: status line, `Date`, `Content-Length`, the handler's headers (checked
//! so a handler cannot split a response) and the body.

use rust_edge_gateway_sdk::Response;

macro_rules! status_lines {
    ($($code:literal $reason:literal,)*) => {
        /// The status line of a status this table knows, CRLF included: one copy instead of
        /// five.
        fn status_line(status: u16) -> Option<&'static [u8]> {
            match status {
                $($code => Some(concat!("HTTP/1.1 ", $code, " ", $reason, "\r\n").as_bytes()),)*
                _ => None,
            }
        }
    };
}

status_lines! {
    100 "Continue",
    200 "OK",
    201 "Created",
    202 "Accepted",
    204 "No Content",
    206 "Partial Content",
    301 "Moved Permanently",
    302 "Found",
    303 "See Other",
    304 "Not Modified",
    307 "Temporary Redirect",
    308 "Permanent Redirect",
    400 "Bad Request",
    401 "Unauthorized",
    403 "Forbidden",
    404 "Not Found",
    405 "Method Not Allowed",
    408 "Request Timeout",
    409 "Conflict",
    413 "Content Too Large",
    415 "Unsupported Media Type",
    418 "I'm a teapot",
    422 "Unprocessable Content",
    429 "Too Many Requests",
    431 "Request Header Fields Too Large",
    500 "Internal Server Error",
    501 "Not Implemented",
    502 "Bad Gateway",
    503 "Service Unavailable",
    504 "Gateway Timeout",
    505 "HTTP Version Not Supported",
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn is_field_value(s: &str) -> bool {
    s.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// Headers the gateway owns: a handler's values for these are ignored.
fn is_hop_or_framing(name: &str) -> bool {
    [
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "date",
        "upgrade",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

/// How to frame the response on this connection.
#[derive(Debug, Clone, Copy)]
pub struct Framing<'a> {
    /// The request was HEAD: headers only.
    pub head_only: bool,
    /// Keep the connection open after this response.
    pub keep_alive: bool,
    /// The request's minor version (1.0 clients get an explicit keep-alive).
    pub minor: u8,
    /// Echoed as `x-request-id` unless the handler set one.
    pub request_id: &'a str,
}

impl<'a> Framing<'a> {
    /// Framing for a response to a request.
    pub const fn new(head_only: bool, keep_alive: bool, minor: u8, request_id: &'a str) -> Self {
        Framing {
            head_only,
            keep_alive,
            minor,
            request_id,
        }
    }

    /// Framing for a response after which the connection closes.
    pub const fn closing(head_only: bool, minor: u8, request_id: &'a str) -> Self {
        Self::new(head_only, false, minor, request_id)
    }
}

/// Appends the encoded response to `out`. Returns how many handler headers were dropped
/// for containing invalid bytes.
pub fn encode(out: &mut Vec<u8>, resp: &Response, f: Framing<'_>) -> usize {
    out.reserve(256 + resp.body_bytes().len());
    // Only final statuses: an interim one (1xx, a 101 tunnel) is never encoded here.
    let status = if (200..=599).contains(&resp.status) {
        resp.status
    } else {
        500
    };
    match status_line(status) {
        Some(line) => out.extend_from_slice(line),
        None => {
            out.extend_from_slice(b"HTTP/1.1 ");
            out.extend_from_slice(itoa::Buffer::new().format(status).as_bytes());
            out.extend_from_slice(b" \r\n");
        }
    }
    super::date::with_date_line(|line| out.extend_from_slice(line));
    let mut dropped = 0;
    let mut has_request_id = false;
    for (name, value) in &resp.headers {
        if is_hop_or_framing(name) {
            continue;
        }
        if !is_token(name) || !is_field_value(value) {
            dropped += 1;
            continue;
        }
        has_request_id |= name.eq_ignore_ascii_case("x-request-id");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !has_request_id && !f.request_id.is_empty() {
        out.extend_from_slice(b"x-request-id: ");
        out.extend_from_slice(f.request_id.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !f.keep_alive {
        out.extend_from_slice(b"connection: close\r\n");
    } else if f.minor == 0 {
        out.extend_from_slice(b"connection: keep-alive\r\n");
    }
    let no_body = status < 200 || status == 204 || status == 304;
    let body = resp.body_bytes();
    if !no_body {
        out.extend_from_slice(b"content-length: ");
        out.extend_from_slice(itoa::Buffer::new().format(body.len()).as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !no_body && !f.head_only {
        out.extend_from_slice(body);
    }
    dropped
}

/// A gateway-generated JSON error: `{"error": message}`.
pub fn error_response(status: u16, message: &str) -> Response {
    Response::json(status, serde_json::json!({ "error": message }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(resp: &Response, f: Framing<'_>) -> String {
        let mut out = Vec::new();
        encode(&mut out, resp, f);
        String::from_utf8(out).unwrap()
    }

    const KA: Framing<'static> = Framing {
        head_only: false,
        keep_alive: true,
        minor: 1,
        request_id: "rid",
    };

    #[test]
    fn frames_body_and_headers() {
        let r = Response::text(200, "hello").with_header("X-A", "1");
        let t = text(&r, KA);
        assert!(t.starts_with("HTTP/1.1 200 OK\r\ndate: "), "{t}");
        assert!(
            t.contains("\r\ncontent-length: 5\r\n") && t.ends_with("\r\n\r\nhello"),
            "{t}"
        );
        assert!(t.contains("x-a: 1\r\n") && t.contains("x-request-id: rid\r\n"));
        assert!(!t.contains("connection:"));
    }

    #[test]
    fn head_204_close_and_splitting() {
        let r = Response::text(200, "hello");
        let t = text(
            &r,
            Framing {
                head_only: true,
                ..KA
            },
        );
        assert!(t.contains("content-length: 5") && t.ends_with("\r\n\r\n"));
        let t = text(&Response::no_content(), KA);
        assert!(!t.contains("content-length"));
        let t = text(
            &r,
            Framing {
                keep_alive: false,
                ..KA
            },
        );
        assert!(t.contains("connection: close"));
        let evil = Response::new(200)
            .with_header("x-evil", "a\r\nSet-Cookie: b")
            .with_header("content-length", "99");
        let mut out = Vec::new();
        assert_eq!(encode(&mut out, &evil, KA), 1);
        let t = String::from_utf8(out).unwrap();
        assert!(!t.contains("Set-Cookie") && t.contains("content-length: 0") && !t.contains("99"));
    }
}
