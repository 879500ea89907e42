//! Parsing a request head with `httparse`, plus the framing rules of RFC 9112 that decide
//! where the body ends: the checks that stop request smuggling live here.

use super::HttpError;

/// Most headers a request may carry (more is a 431).
pub const MAX_HEADERS: usize = 100;

/// How the request body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    None,
    /// Exactly this many bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

/// A parsed request head. Offsets point into the connection's read buffer, so parsing
/// copies nothing.
#[derive(Debug, Clone)]
pub struct Head {
    /// Bytes of the head, including the final CRLF CRLF.
    pub len: usize,
    /// HTTP/1.x minor version (0 or 1).
    pub minor: u8,
    /// Method.
    pub method: (usize, usize),
    /// Path (origin-form; the path of an absolute-form target), without the query.
    pub path: (usize, usize),
    /// Query string without `?`, possibly empty.
    pub query: (usize, usize),
    /// Header (name, value) ranges.
    pub headers: Vec<((usize, usize), (usize, usize))>,
    /// Index of the Host header in `headers`.
    pub host: Option<usize>,
    /// Body framing.
    pub body: BodyKind,
    /// Whether the client asked to close (or is HTTP/1.0 without keep-alive).
    pub close: bool,
    /// `Expect: 100-continue`.
    pub expect_continue: bool,
}

fn range(base: *const u8, s: &[u8]) -> (usize, usize) {
    let start = s.as_ptr() as usize - base as usize;
    (start, start + s.len())
}

fn trim(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|b| *b != b' ' && *b != b'\t')
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| *b != b' ' && *b != b'\t')
        .map_or(start, |e| e + 1);
    &v[start..end]
}

fn parse_length(v: &[u8]) -> Result<u64, HttpError> {
    let v = trim(v);
    if v.is_empty() || v.len() > 19 || !v.iter().all(u8::is_ascii_digit) {
        return Err(HttpError::BadRequest("invalid Content-Length"));
    }
    v.iter()
        .try_fold(0u64, |n, d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
        .ok_or(HttpError::BadRequest("invalid Content-Length"))
}

fn has_token(v: &[u8], token: &str) -> bool {
    v.split(|b| *b == b',')
        .any(|t| trim(t).eq_ignore_ascii_case(token.as_bytes()))
}

/// Whether the request line is well-formed but for its `HTTP/x.y` version (a 505, not a 400).
fn looks_like_other_version(buf: &[u8]) -> bool {
    let line = buf.split(|b| *b == b'\r').next().unwrap_or_default();
    let parts: Vec<&[u8]> = line.split(|b| *b == b' ').collect();
    matches!(parts.as_slice(), [_, _, v] if v.len() == 8 && v.starts_with(b"HTTP/") && v[5].is_ascii_digit() && v[6] == b'.' && v[7].is_ascii_digit())
}

/// Parses the head at the start of `buf`. `Ok(None)`: incomplete, read more (unless
/// `buf` already holds `max_head` bytes, which is a 431).
pub fn parse_head(buf: &[u8], max_head: usize) -> Result<Option<Head>, HttpError> {
    // Uninitialised header slots: zeroing 100 of them would cost more than parsing.
    let mut slots =
        [const { std::mem::MaybeUninit::<httparse::Header<'_>>::uninit() }; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut []);
    let status = match req.parse_with_uninit_headers(buf, &mut slots) {
        Ok(s) => s,
        Err(httparse::Error::TooManyHeaders) => return Err(HttpError::HeadersTooLarge),
        Err(httparse::Error::Version) if looks_like_other_version(buf) => {
            return Err(HttpError::VersionNotSupported)
        }
        Err(_) => return Err(HttpError::BadRequest("malformed request head")),
    };
    let len = match status {
        httparse::Status::Complete(n) if n > max_head => return Err(HttpError::HeadersTooLarge),
        httparse::Status::Complete(n) => n,
        httparse::Status::Partial if buf.len() >= max_head => {
            return Err(HttpError::HeadersTooLarge)
        }
        httparse::Status::Partial => return Ok(None),
    };
    // httparse accepts a bare LF as a line end; RFC 9112 lets a server reject it, and two
    // parsers disagreeing on line ends is how requests get smuggled.
    if memchr::memchr_iter(b'\n', &buf[..len]).any(|i| i == 0 || buf[i - 1] != b'\r') {
        return Err(HttpError::BadRequest("bare LF in the request head"));
    }
    let base = buf.as_ptr();
    let minor = req
        .version
        .ok_or(HttpError::BadRequest("missing version"))?;
    let method = req.method.ok_or(HttpError::BadRequest("missing method"))?;
    let target = req.path.ok_or(HttpError::BadRequest("missing target"))?;

    // Request target: origin-form, absolute-form (take its path) or `*` for OPTIONS.
    let path_and_query: &str = if target.starts_with('/') {
        target
    } else if let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        match rest.find('/') {
            Some(i) => &rest[i..],
            None => return Err(HttpError::BadRequest("absolute-form target without a path")),
        }
    } else if target == "*" && method == "OPTIONS" {
        target
    } else {
        return Err(HttpError::BadRequest("invalid request target"));
    };
    let (path, query) = match path_and_query.find('?') {
        Some(i) => (&path_and_query[..i], &path_and_query[i + 1..]),
        None => (path_and_query, &path_and_query[path_and_query.len()..]),
    };
    let query = query.split('#').next().unwrap_or_default();

    let mut head = Head {
        len,
        minor,
        method: range(base, method.as_bytes()),
        path: range(base, path.as_bytes()),
        query: range(base, query.as_bytes()),
        headers: Vec::with_capacity(req.headers.len()),
        host: None,
        body: BodyKind::None,
        close: minor == 0,
        expect_continue: false,
    };
    let mut content_length: Option<u64> = None;
    let mut chunked = false;
    let mut transfer_encoding = false;
    for (i, h) in req.headers.iter().enumerate() {
        let name = h.name;
        let value = h.value;
        if value.iter().any(|b| *b == 0 || *b == b'\r' || *b == b'\n') {
            return Err(HttpError::BadRequest("invalid byte in a header value"));
        }
        if name.eq_ignore_ascii_case("content-length") {
            let n = parse_length(value)?;
            if content_length.is_some_and(|prev| prev != n) {
                return Err(HttpError::BadRequest("conflicting Content-Length headers"));
            }
            content_length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            if transfer_encoding {
                return Err(HttpError::BadRequest("repeated Transfer-Encoding"));
            }
            transfer_encoding = true;
            let v = trim(value);
            if v.eq_ignore_ascii_case(b"chunked") {
                chunked = true;
            } else if has_token(v, "chunked") {
                // `gzip, chunked` and the like: codings we do not decode.
                return Err(HttpError::NotImplemented);
            } else {
                return Err(HttpError::BadRequest(
                    "Transfer-Encoding without chunked as final coding",
                ));
            }
        } else if name.eq_ignore_ascii_case("host") {
            if head.host.is_some() {
                return Err(HttpError::BadRequest("more than one Host header"));
            }
            head.host = Some(i);
        } else if name.eq_ignore_ascii_case("connection") {
            if has_token(value, "close") {
                head.close = true;
            } else if has_token(value, "keep-alive") {
                head.close = false;
            }
        } else if name.eq_ignore_ascii_case("expect") {
            if trim(value).eq_ignore_ascii_case(b"100-continue") {
                head.expect_continue = true;
            } else {
                return Err(HttpError::BadRequest("unsupported Expect"));
            }
        }
        head.headers
            .push((range(base, name.as_bytes()), range(base, value)));
    }
    if minor == 1 && head.host.is_none() {
        return Err(HttpError::BadRequest("missing Host header"));
    }
    head.body = match (transfer_encoding, content_length) {
        (true, Some(_)) => {
            return Err(HttpError::BadRequest(
                "both Content-Length and Transfer-Encoding",
            ))
        }
        (true, None) if minor == 0 => {
            return Err(HttpError::BadRequest("Transfer-Encoding in HTTP/1.0"))
        }
        (true, None) if chunked => BodyKind::Chunked,
        (true, None) => return Err(HttpError::BadRequest("invalid Transfer-Encoding")),
        (false, Some(0)) | (false, None) => BodyKind::None,
        (false, Some(n)) => BodyKind::Length(n),
    };
    Ok(Some(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Option<Head>, HttpError> {
        parse_head(s.as_bytes(), 8192)
    }

    fn get(buf: &str, r: (usize, usize)) -> &str {
        &buf[r.0..r.1]
    }

    #[test]
    fn a_simple_get() {
        let s = "GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\nNEXT";
        let h = parse(s).unwrap().unwrap();
        assert_eq!(h.len, s.len() - 4);
        assert_eq!(get(s, h.method), "GET");
        assert_eq!(get(s, h.path), "/a/b");
        assert_eq!(get(s, h.query), "x=1&y=2");
        assert_eq!(h.body, BodyKind::None);
        assert!(!h.close && h.minor == 1);
        assert_eq!(get(s, h.headers[h.host.unwrap()].1), "example.com");
    }

    #[test]
    fn incomplete_then_too_large() {
        assert!(parse("GET / HTTP/1.1\r\nHost: a\r\n").unwrap().is_none());
        let big = format!("GET / HTTP/1.1\r\nHost: a\r\nX: {}\r\n", "a".repeat(9000));
        assert_eq!(parse(&big).unwrap_err(), HttpError::HeadersTooLarge);
    }

    #[test]
    fn framing_rules() {
        let ok = |s: &str| parse(s).unwrap().unwrap();
        assert_eq!(
            ok("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n").body,
            BodyKind::Length(5)
        );
        assert_eq!(
            ok("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n").body,
            BodyKind::Length(5)
        );
        assert_eq!(
            ok("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n").body,
            BodyKind::Chunked
        );
        assert!(ok("GET / HTTP/1.0\r\n\r\n").close);
        assert!(!ok("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").close);
        assert!(ok("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").close);
        assert_eq!(
            get(
                "GET http://h/p?q HTTP/1.1\r\nHost: h\r\n\r\n",
                ok("GET http://h/p?q HTTP/1.1\r\nHost: h\r\n\r\n").path
            ),
            "/p"
        );
    }

    #[test]
    fn smuggling_attempts_are_rejected() {
        let bad = [
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
            "GET nopath HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\nHost: a\n\n",
            "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n",
        ];
        for s in bad {
            let e = parse(s).expect_err(s);
            assert!(e.status() == 400, "{s:?} gave {e:?}");
        }
        let e = parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
            .unwrap_err();
        assert_eq!(e.status(), 501);
    }
}
