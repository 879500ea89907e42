//! Building the SDK's `Request` from a parsed head: decoded query and path parameters,
//! lower-case headers, client IP (from `X-Forwarded-For` only behind a trusted proxy) and
//! the request id (a valid incoming `X-Request-Id`, or a new one). `x-forwarded-proto`
//! is set to the connection's scheme, keeping a client's value only from a trusted proxy.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use percent_encoding::percent_decode_str;
use rust_edge_gateway_sdk::{Body, Request};

use crate::http::head_text::HeadText;
use crate::http::parse::Head;

fn valid_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

fn client_ip(peer: SocketAddr, xff: Option<&str>, trusted: &[IpAddr], peer_text: &str) -> String {
    if !trusted.contains(&peer.ip()) {
        return peer_text.to_string();
    }
    // Walk from the nearest hop; the first address that is not one of our proxies is the client.
    xff.into_iter()
        .flat_map(|v| v.rsplit(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer.ip())
        .to_string()
}

/// The parts of a request that come from the connection, not the head.
#[allow(missing_debug_implementations)]
pub struct Origin<'a> {
    /// The TCP peer.
    pub peer: SocketAddr,
    /// The peer's IP as text (formatted once per connection, not per request).
    pub peer_ip: &'a str,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted: &'a [IpAddr],
    /// `http` or `https`: the scheme the client used to reach the gateway.
    pub scheme: &'static str,
    /// Makes a request id when the client sent no valid one.
    pub new_id: &'a dyn Fn() -> String,
}

/// Path parameters as the handler sees them: percent-decoded.
pub fn decode_params<'a, 'b>(
    raw: impl Iterator<Item = (&'a str, &'b str)>,
) -> HashMap<String, String> {
    raw.map(|(k, v)| {
        (
            k.to_string(),
            percent_decode_str(v).decode_utf8_lossy().into_owned(),
        )
    })
    .collect()
}

/// The decoded query string (`application/x-www-form-urlencoded`, as `form_urlencoded`
/// reads it: pairs split on `&`, empty ones skipped, `+` a space, percent-decoded, a
/// repeated name keeps its last value). A pair with neither `%` nor `+` is copied as it
/// is: `form_urlencoded` went through its decoder for every byte of every pair, ~800
/// instructions a pair under callgrind.
pub fn query_map(text: &HeadText<'_>, r: (usize, usize)) -> HashMap<String, String> {
    let raw = text.bytes(r);
    if raw.is_empty() {
        return HashMap::new();
    }
    let mut query = HashMap::with_capacity(memchr::memchr_iter(b'&', raw).count() + 1);
    match text.try_get(r) {
        Some(q) => {
            for pair in q.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                query.insert(form_component(k), form_component(v));
            }
        }
        None => query.extend(form_urlencoded::parse(raw).into_owned()),
    }
    query
}

fn form_component(s: &str) -> String {
    if memchr::memchr2(b'%', b'+', s.as_bytes()).is_none() {
        return s.to_owned();
    }
    let spaced: Vec<u8> = s
        .bytes()
        .map(|b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// Builds the handler's view of the request. The maps are sized from the parse; the
/// incoming `x-request-id` is found in the parsed head and `x-forwarded-for` is looked up
/// only behind a trusted proxy, so the common request hashes no header name twice.
pub fn build(
    text: &HeadText<'_>,
    head: &Head,
    params: HashMap<String, String>,
    body: Vec<u8>,
    origin: &Origin<'_>,
) -> Request {
    // One more than the head holds: the x-forwarded-proto set below would otherwise grow
    // (reallocate and rehash) the map on most requests.
    let mut headers: HashMap<String, String> = HashMap::with_capacity(head.headers.len() + 1);
    let mut incoming_id: Option<&str> = None;
    let mut ids = 0;
    for (name, value) in &head.headers {
        let name = text.get(*name);
        let value = text.lossy(*value);
        if name.eq_ignore_ascii_case("x-request-id") {
            ids += 1;
            incoming_id = match &value {
                std::borrow::Cow::Borrowed(v) if valid_request_id(v) => Some(v),
                _ => None,
            };
        }
        headers
            .entry(name.to_ascii_lowercase())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert_with(|| value.into_owned());
    }
    let query = query_map(text, head.query);
    let request_id = match incoming_id {
        // A repeated X-Request-Id is joined with ", ", which is never a valid id.
        Some(id) if ids == 1 => id.to_owned(),
        _ => (origin.new_id)(),
    };
    let behind_proxy = origin.trusted.contains(&origin.peer.ip());
    if !(behind_proxy && headers.contains_key("x-forwarded-proto")) {
        headers.insert("x-forwarded-proto".to_owned(), origin.scheme.to_owned());
    }
    let xff = if behind_proxy {
        headers.get("x-forwarded-for").map(String::as_str)
    } else {
        None
    };
    let client_ip = client_ip(origin.peer, xff, origin.trusted, origin.peer_ip);
    Request {
        method: text.get(head.method).to_string(),
        path: text.get(head.path).to_string(),
        query,
        headers,
        body: (!body.is_empty()).then(|| Body::from(body)),
        params,
        client_ip: Some(client_ip),
        request_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(head: &str) -> Request {
        let h = crate::http::parse::parse_head(head.as_bytes(), 4096)
            .expect("valid")
            .expect("complete");
        let origin = Origin {
            peer: "192.0.2.7:5000".parse().expect("addr"),
            peer_ip: "192.0.2.7",
            trusted: &[],
            scheme: "https",
            new_id: &|| "fresh".to_string(),
        };
        let text = HeadText::new(head.as_bytes(), &h);
        build(&text, &h, HashMap::new(), Vec::new(), &origin)
    }

    #[test]
    fn request_id_query_and_headers_come_from_the_head() {
        let r = built("GET /a?x=1&y=%20&x=2 HTTP/1.1\r\nHost: h\r\nX-Request-Id: abc-1\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n");
        assert_eq!(r.request_id, "abc-1");
        assert_eq!(r.query.get("y").map(String::as_str), Some(" "));
        assert_eq!(r.query.len(), 2, "{:?}", r.query);
        assert_eq!(r.headers.get("host").map(String::as_str), Some("h"));
        let proto = |r: &Request| r.headers.get("x-forwarded-proto").cloned();
        assert_eq!(proto(&r).as_deref(), Some("https"));
        let r = built("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Proto: http\r\n\r\n");
        assert_eq!(
            proto(&r).as_deref(),
            Some("https"),
            "a direct client's x-forwarded-proto is overwritten"
        );
        assert_eq!(
            r.client_ip.as_deref(),
            Some("192.0.2.7"),
            "untrusted peer: XFF ignored"
        );
        let r = built("GET / HTTP/1.1\r\nHost: h\r\nX-Request-Id: a\r\nx-request-id: b\r\n\r\n");
        assert_eq!(r.request_id, "fresh", "two ids: neither is believed");
        assert_eq!(
            r.headers.get("x-request-id").map(String::as_str),
            Some("a, b")
        );
        let r = built("GET / HTTP/1.1\r\nHost: h\r\nX-Request-Id: not valid!\r\n\r\n");
        assert_eq!(r.request_id, "fresh");
    }

    proptest::proptest! {
        #[test]
        fn the_query_reads_as_form_urlencoded_reads_it(q in "[a-z=&+%0-9A-F]{0,40}") {
            let head = format!("GET /p?{q} HTTP/1.1\r\nHost: h\r\n\r\n");
            let h = crate::http::parse::parse_head(head.as_bytes(), 4096)
                .expect("valid")
                .expect("complete");
            let text = HeadText::new(head.as_bytes(), &h);
            let ours = query_map(&text, h.query);
            let theirs: HashMap<String, String> =
                form_urlencoded::parse(q.as_bytes()).into_owned().collect();
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn query_pairs_plus_percent_and_repeats() {
        let r = built(
            "GET /a?q=rust+edge%20gw&empty=&flag&&x=1&x=2&bad=%zz HTTP/1.1\r\nHost: h\r\n\r\n",
        );
        let get = |k: &str| r.query.get(k).map(String::as_str);
        assert_eq!(get("q"), Some("rust edge gw"));
        assert_eq!(get("empty"), Some(""));
        assert_eq!(get("flag"), Some(""));
        assert_eq!(get("x"), Some("2"), "a repeated name keeps its last value");
        assert_eq!(get("bad"), Some("%zz"), "an invalid escape stays as it is");
        assert_eq!(r.query.len(), 5, "{:?}", r.query);
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let proxy: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let direct: SocketAddr = "192.0.2.7:5000".parse().unwrap();
        let trusted = ["10.0.0.1".parse().unwrap()];
        assert_eq!(
            client_ip(direct, Some("1.2.3.4"), &trusted, "192.0.2.7"),
            "192.0.2.7"
        );
        assert_eq!(
            client_ip(proxy, Some("1.2.3.4, 10.0.0.1"), &trusted, "10.0.0.1"),
            "1.2.3.4"
        );
        assert_eq!(client_ip(proxy, None, &trusted, "10.0.0.1"), "10.0.0.1");
        assert!(
            valid_request_id("abc-123_x.y:z") && !valid_request_id("a b") && !valid_request_id("")
        );
    }
}
