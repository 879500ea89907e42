//! Property tests for the dataplane's HTTP codec: what a well-formed client sends parses
//! back to exactly what it meant, however the bytes are split across reads, and what the
//! gateway encodes parses back (with a strict response parser) to the handler's response.

use std::collections::HashMap;

use proptest::prelude::*;
use rust_edge_gateway_dataplane::http::body::ChunkedDecoder;
use rust_edge_gateway_dataplane::http::encode::{encode, Framing};
use rust_edge_gateway_dataplane::http::parse::{parse_head, BodyKind};
use rust_edge_gateway_sdk::Response;

const MAX_HEAD: usize = 64 * 1024;

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}"
}

fn field_value() -> impl Strategy<Value = String> {
    // Visible ASCII with inner spaces and tabs; no leading or trailing whitespace (it
    // is not part of the value, RFC 9110 §5.5).
    "[!-~]([ -~\t]{0,30}[!-~])?"
}

/// Header names the parser gives meaning to are left out of the generated ones.
fn plain_header() -> impl Strategy<Value = (String, String)> {
    (token(), field_value()).prop_filter("not a framing header", |(n, _)| {
        ![
            "host",
            "content-length",
            "transfer-encoding",
            "connection",
            "expect",
        ]
        .contains(&n.to_ascii_lowercase().as_str())
    })
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z0-9._~%-]{1,8}", 0..5).prop_map(|s| format!("/{}", s.join("/")))
}

fn text(buf: &[u8], r: (usize, usize)) -> &str {
    std::str::from_utf8(&buf[r.0..r.1]).expect("utf-8")
}

/// Splits `wire` at `cuts` (sorted, clamped) the way reads would deliver it.
fn pieces(wire: &[u8], cuts: &[usize]) -> Vec<usize> {
    let mut ends: Vec<usize> = cuts.iter().map(|c| c % (wire.len() + 1)).collect();
    ends.push(wire.len());
    ends.sort_unstable();
    ends
}

proptest! {
    /// RFC 9112 §2-§5: request line, Host, fields and Content-Length come back as sent,
    /// and the head is only complete once its final CRLF CRLF arrived.
    #[test]
    fn request_heads_parse_back_to_what_was_sent(
        method in "[A-Z]{1,10}",
        path in path(),
        query in proptest::option::of("[A-Za-z0-9=&%+._-]{0,20}"),
        host in "[a-z0-9-]{1,20}(\\.[a-z]{2,6})?(:[0-9]{1,5})?",
        headers in prop::collection::vec(plain_header(), 0..12),
        length in proptest::option::of(1u64..1_000_000),
        cut in any::<usize>(),
    ) {
        let mut wire = format!("{method} {path}");
        if let Some(q) = &query {
            wire.push('?');
            wire.push_str(q);
        }
        wire.push_str(" HTTP/1.1\r\nHost: ");
        wire.push_str(&host);
        wire.push_str("\r\n");
        for (n, v) in &headers {
            wire.push_str(&format!("{n}: {v}\r\n"));
        }
        if let Some(n) = length {
            wire.push_str(&format!("Content-Length: {n}\r\n"));
        }
        wire.push_str("\r\n");
        let buf = wire.as_bytes();

        let head = parse_head(buf, MAX_HEAD).expect("valid head").expect("complete head");
        prop_assert_eq!(head.len, buf.len());
        prop_assert_eq!(head.minor, 1);
        prop_assert_eq!(text(buf, head.method), method.as_str());
        prop_assert_eq!(text(buf, head.path), path.as_str());
        prop_assert_eq!(text(buf, head.query), query.as_deref().unwrap_or(""));
        let host_index = head.host.expect("host found");
        prop_assert_eq!(text(buf, head.headers[host_index].1), host.as_str());
        let parsed: Vec<(&str, &str)> = head
            .headers
            .iter()
            .enumerate()
            .filter(|(i, (n, _))| *i != host_index && !text(buf, *n).eq_ignore_ascii_case("content-length"))
            .map(|(_, (n, v))| (text(buf, *n), text(buf, *v)))
            .collect();
        let sent: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        prop_assert_eq!(parsed, sent);
        match length {
            Some(n) => prop_assert!(matches!(head.body, BodyKind::Length(m) if m == n)),
            None => prop_assert!(matches!(head.body, BodyKind::None)),
        }
        prop_assert!(!head.close);

        // Any prefix is incomplete, never an error: a head split across reads is read whole.
        let cut = cut % buf.len();
        prop_assert!(matches!(parse_head(&buf[..cut], MAX_HEAD), Ok(None)));
    }

    /// RFC 9112 §7.1: a body sent in chunks of any sizes, with or without extensions,
    /// decodes to the body, however the reads split it.
    #[test]
    fn chunked_bodies_decode_to_what_was_sent(
        body in prop::collection::vec(any::<u8>(), 0..4096),
        sizes in prop::collection::vec(1usize..700, 1..20),
        extension in proptest::option::of("[a-z]{1,8}(=[a-z0-9]{1,8})?"),
        trailer in proptest::option::of(("[a-z]{1,8}", "[a-z0-9]{1,16}")),
        cuts in prop::collection::vec(any::<usize>(), 0..6),
    ) {
        let mut wire = Vec::new();
        let mut rest = body.as_slice();
        let mut i = 0;
        while !rest.is_empty() {
            let n = sizes[i % sizes.len()].min(rest.len());
            i += 1;
            wire.extend_from_slice(format!("{n:x}").as_bytes());
            if let Some(e) = &extension {
                wire.extend_from_slice(format!(";{e}").as_bytes());
            }
            wire.extend_from_slice(b"\r\n");
            wire.extend_from_slice(&rest[..n]);
            wire.extend_from_slice(b"\r\n");
            rest = &rest[n..];
        }
        wire.extend_from_slice(b"0\r\n");
        if let Some((n, v)) = &trailer {
            wire.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
        }
        wire.extend_from_slice(b"\r\n");

        let mut decoder = ChunkedDecoder::new(body.len());
        let mut used = 0;
        for end in pieces(&wire, &cuts) {
            // Unused bytes stay buffered and are offered again with the next read.
            let end = end.max(used);
            used += decoder.feed(&wire[used..end]).expect("valid chunked body");
        }
        prop_assert!(decoder.is_done());
        prop_assert_eq!(used, wire.len());
        prop_assert_eq!(decoder.into_body(), body);
    }

    /// What the gateway writes for a handler's response parses back, with a strict
    /// response parser, to its status, its valid headers and its body; Content-Length
    /// frames the body exactly (RFC 9112 §6.2) and `connection: close` is sent when the
    /// connection will close.
    #[test]
    fn encoded_responses_parse_back(
        status in 200u16..=599,
        headers in prop::collection::hash_map("[a-z][a-z0-9-]{0,12}", field_value(), 0..8),
        body in prop::collection::vec(any::<u8>(), 0..2048),
        keep_alive in any::<bool>(),
    ) {
        let mut resp = Response::new(status).with_body(body.clone());
        resp.headers = headers.clone();
        let mut out = Vec::new();
        let dropped = encode(&mut out, &resp, Framing::new(false, keep_alive, 1, "rid-1"));
        prop_assert_eq!(dropped, 0);

        let mut slots = [httparse::EMPTY_HEADER; 32];
        let mut parsed = httparse::Response::new(&mut slots);
        let n = match parsed.parse(&out).expect("a valid response head") {
            httparse::Status::Complete(n) => n,
            httparse::Status::Partial => panic!("incomplete response head"),
        };
        prop_assert_eq!(parsed.code, Some(status));
        let got: HashMap<String, String> = parsed
            .headers
            .iter()
            .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()))
            .collect();
        for (name, value) in &headers {
            if !["content-length", "transfer-encoding", "connection", "keep-alive", "date", "upgrade"].contains(&name.as_str()) {
                prop_assert_eq!(got.get(name), Some(value));
            }
        }
        let no_body = status == 204 || status == 304;
        if no_body {
            prop_assert!(!got.contains_key("content-length"));
            prop_assert_eq!(out.len(), n);
        } else {
            prop_assert_eq!(got.get("content-length"), Some(&body.len().to_string()));
            prop_assert_eq!(&out[n..], body.as_slice());
        }
        prop_assert_eq!(got.get("connection").map(String::as_str) == Some("close"), !keep_alive);
    }
}
