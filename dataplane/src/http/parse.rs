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
    pub headers: HeaderRanges,
    /// Index of the Host header in `headers`.
    pub host: Option<usize>,
    /// The authority of an absolute-form target (`http://h:1/p` -> `h:1`), which a
    /// server uses instead of Host (RFC 9112 §3.2.2).
    pub authority: Option<(usize, usize)>,
    /// Body framing.
    pub body: BodyKind,
    /// Whether the client asked to close (or is HTTP/1.0 without keep-alive).
    pub close: bool,
    /// `Expect: 100-continue`.
    pub expect_continue: bool,
}

fn base_of(buf: &[u8]) -> *const u8 {
    buf.as_ptr()
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

/// `Transfer-Encoding` (RFC 9112 §6.1, §6.3): `chunked` must be the final coding, once,
/// in a list without empty elements; anything else would leave the body length to a
/// guess, so it is a 400 and a close. Other codings before it are a 501 (not decoded).
fn transfer_coding(v: &[u8]) -> Result<(), HttpError> {
    let mut codings = 0;
    let mut chunked = 0;
    let mut last_chunked = false;
    for c in v.split(|b| *b == b',').map(trim) {
        if c.is_empty() {
            return Err(HttpError::BadRequest("empty element in Transfer-Encoding"));
        }
        codings += 1;
        last_chunked = c.eq_ignore_ascii_case(b"chunked");
        chunked += usize::from(last_chunked);
    }
    match (last_chunked, chunked, codings) {
        (true, 1, 1) => Ok(()),
        (true, 1, _) => Err(HttpError::NotImplemented),
        (true, _, _) => Err(HttpError::BadRequest("chunked applied more than once")),
        (false, _, _) => Err(HttpError::BadRequest(
            "Transfer-Encoding without chunked as final coding",
        )),
    }
}

/// `Host` / an absolute-form authority (RFC 9112 §3.2, RFC 9110 §7.2, RFC 3986 §3.2.2):
/// `uri-host [ ":" port ]`, no userinfo, no path, nothing outside the URI grammar.
fn valid_authority(v: &[u8]) -> bool {
    let (host, port) = if v.first() == Some(&b'[') {
        let Some(end) = v.iter().position(|b| *b == b']') else {
            return false;
        };
        let inside = &v[1..end];
        if inside.is_empty()
            || !inside
                .iter()
                .all(|b| b.is_ascii_hexdigit() || b":.vV".contains(b))
        {
            return false;
        }
        match &v[end + 1..] {
            [] => (&v[..0], None),
            [b':', port @ ..] => (&v[..0], Some(port)),
            _ => return false,
        }
    } else {
        match v.iter().rposition(|b| *b == b':') {
            Some(i) => (&v[..i], Some(&v[i + 1..])),
            None => (v, None),
        }
    };
    let reg_name_ok = host.iter().enumerate().all(|(i, b)| {
        b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=".contains(b)
            || (*b == b'%'
                && host.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && host.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    let port_ok = port.is_none_or(|p| p.iter().all(u8::is_ascii_digit));
    let bracketed = v.first() == Some(&b'[');
    (bracketed || !host.is_empty()) && reg_name_ok && port_ok
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

/// A head's header ranges, kept between the requests of a connection so parsing a head
/// allocates nothing.
pub type HeaderRanges = Vec<((usize, usize), (usize, usize))>;

/// Parses the head at the start of `buf`. `Ok(None)`: incomplete, read more (unless
/// `buf` already holds `max_head` bytes, which is a 431).
pub fn parse_head(buf: &[u8], max_head: usize) -> Result<Option<Head>, HttpError> {
    parse_head_into(buf, max_head, &mut Vec::new())
}

/// [`parse_head`] whose `headers` is `spare` (cleared) once the head is complete; a
/// connection hands each head's vector back for the next one.
pub fn parse_head_into(
    buf: &[u8],
    max_head: usize,
    spare: &mut HeaderRanges,
) -> Result<Option<Head>, HttpError> {
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
    let base = base_of(buf);
    let minor = req
        .version
        .ok_or(HttpError::BadRequest("missing version"))?;
    let method = req.method.ok_or(HttpError::BadRequest("missing method"))?;
    let target = req.path.ok_or(HttpError::BadRequest("missing target"))?;

    // A request target never carries a fragment (RFC 9112 §3.2; RFC 3986 §3.5).
    if target.contains('#') {
        return Err(HttpError::BadRequest("fragment in the request target"));
    }
    // Request target: origin-form, absolute-form (its path, and its authority instead of
    // Host) or `*` for OPTIONS.
    let mut authority = None;
    let path_and_query: &str = if target.starts_with('/') {
        target
    } else if let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        match rest.find('/') {
            Some(i) => {
                if !valid_authority(&rest.as_bytes()[..i]) {
                    return Err(HttpError::BadRequest("invalid authority in the target"));
                }
                authority = Some(range(base_of(buf), &rest.as_bytes()[..i]));
                &rest[i..]
            }
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

    let mut head = Head {
        len,
        minor,
        method: range(base, method.as_bytes()),
        path: range(base, path.as_bytes()),
        query: range(base, query.as_bytes()),
        headers: {
            let mut headers = std::mem::take(spare);
            headers.clear();
            headers.reserve(req.headers.len());
            headers
        },
        host: None,
        authority,
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
        // httparse refuses these too; the check stays as a second guard, vectorised
        // (a byte-at-a-time scan was ~2,500 instructions for an 800-byte head).
        if memchr::memchr3(0, b'\r', b'\n', value).is_some() {
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
            transfer_coding(value)?;
            chunked = true;
        } else if name.eq_ignore_ascii_case("host") {
            if head.host.is_some() {
                return Err(HttpError::BadRequest("more than one Host header"));
            }
            if !valid_authority(trim(value)) {
                return Err(HttpError::BadRequest("invalid Host header"));
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
                // An HTTP/1.0 client cannot wait for an interim response (RFC 9110 §10.1.1).
                head.expect_continue = minor == 1;
            } else {
                return Err(HttpError::ExpectationFailed);
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

    /// RFC 9112 §6.3 (4): a Transfer-Encoding whose final coding is not chunked is a 400
    /// and a close; §6.1: chunked at most once; RFC 9110 §5.6.1 lists: we take an empty
    /// element as a sign of a disagreeing parser, not as noise.
    #[test]
    fn transfer_encoding_final_coding_must_be_chunked_once() {
        let te = |v: &str| {
            parse(&format!(
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: {v}\r\n\r\n"
            ))
        };
        assert_eq!(te("chunked").unwrap().unwrap().body, BodyKind::Chunked);
        assert_eq!(te(" chunked ").unwrap().unwrap().body, BodyKind::Chunked);
        for v in [
            "chunked, gzip",
            "gzip",
            "chunked,",
            ",chunked",
            "chunked, , chunked",
            "chunked, chunked",
            "identity",
            "chunked;x=1",
        ] {
            assert_eq!(
                te(v).map(|_| ()),
                Err(HttpError::BadRequest(match v {
                    "chunked," | ",chunked" | "chunked, , chunked" =>
                        "empty element in Transfer-Encoding",
                    "chunked, chunked" => "chunked applied more than once",
                    _ => "Transfer-Encoding without chunked as final coding",
                })),
                "{v}"
            );
        }
        assert_eq!(te("gzip, chunked").unwrap_err(), HttpError::NotImplemented);
    }

    /// RFC 9112 §3.2 and RFC 9110 §7.2: Host is `uri-host [":" port]` (RFC 3986 §3.2.2);
    /// empty, userinfo, a path or invalid characters are a 400.
    #[test]
    fn host_is_validated() {
        let host = |v: &str| parse(&format!("GET / HTTP/1.1\r\nHost: {v}\r\n\r\n"));
        for ok in [
            "a",
            "example.com:8080",
            "[::1]:80",
            "[2001:db8::1]",
            "h%41st",
            "x-y_z~.a:",
        ] {
            assert!(host(ok).is_ok_and(|h| h.is_some()), "{ok}");
        }
        for bad in [
            "", "user@h", "h/path", "h:80/x", "h o", "h:8a", "[::1", "[]", "h\"x", "h%4", "a:1:2",
            ":80",
        ] {
            assert_eq!(
                host(bad).unwrap_err(),
                HttpError::BadRequest("invalid Host header"),
                "{bad:?}"
            );
        }
    }

    /// RFC 9112 §3.2.2: an absolute-form target's authority replaces Host for routing, and
    /// it is validated like Host.
    #[test]
    fn absolute_form_carries_its_own_authority() {
        let s = "GET http://api.example:81/p?q HTTP/1.1\r\nHost: other\r\n\r\n";
        let h = parse(s).unwrap().unwrap();
        assert_eq!(h.authority.map(|r| get(s, r)), Some("api.example:81"));
        assert_eq!(get(s, h.path), "/p");
        assert!(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            .unwrap()
            .unwrap()
            .authority
            .is_none());
        assert_eq!(
            parse("GET http://u@h/p HTTP/1.1\r\nHost: h\r\n\r\n").unwrap_err(),
            HttpError::BadRequest("invalid authority in the target")
        );
    }

    /// RFC 9112 §3.2 (the target grammar has no fragment; RFC 3986 §3.5).
    #[test]
    fn a_fragment_in_the_target_is_rejected() {
        for t in ["/a#frag", "/a?q=1#f", "http://h/p#x"] {
            let e = parse(&format!("GET {t} HTTP/1.1\r\nHost: h\r\n\r\n")).unwrap_err();
            assert_eq!(
                e,
                HttpError::BadRequest("fragment in the request target"),
                "{t}"
            );
        }
    }

    /// RFC 9110 §10.1.1: an Expect other than 100-continue may be answered 417; a 1.0
    /// client's 100-continue is ignored.
    #[test]
    fn unknown_expectations_get_417() {
        let e = parse("GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n").unwrap_err();
        assert_eq!((e.clone(), e.status()), (HttpError::ExpectationFailed, 417));
        let h = parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n");
        assert!(!h.unwrap().unwrap().expect_continue);
    }
}
