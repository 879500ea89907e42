//! The request-head parser on arbitrary bytes: it never panics, every range it returns
//! lies inside the head, and a head that parses in one read parses the same when it
//! arrives in pieces (a prefix is incomplete, never an error) or with more bytes after it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_edge_gateway_dataplane::http::parse::{parse_head, BodyKind};

const MAX_HEAD: usize = 16 * 1024;

fn inside(r: (usize, usize), len: usize, what: &str) {
    assert!(
        r.0 <= r.1 && r.1 <= len,
        "{what} range {r:?} outside a head of {len} bytes"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(Some(head)) = parse_head(data, MAX_HEAD) else {
        return;
    };
    assert!(head.len > 0 && head.len <= data.len() && head.len <= MAX_HEAD);
    assert!(head.minor <= 1, "HTTP/1.{} accepted", head.minor);
    inside(head.method, head.len, "method");
    inside(head.path, head.len, "path");
    inside(head.query, head.len, "query");
    if let Some(a) = head.authority {
        inside(a, head.len, "authority");
    }
    for (name, value) in &head.headers {
        inside(*name, head.len, "header name");
        inside(*value, head.len, "header value");
        assert!(
            !data[value.0..value.1]
                .iter()
                .any(|b| matches!(b, 0 | b'\r' | b'\n')),
            "a header value with NUL, CR or LF was accepted"
        );
    }
    if let Some(h) = head.host {
        assert!(h < head.headers.len());
    }
    if let BodyKind::Length(n) = head.body {
        assert!(n > 0);
    }
    assert!(
        head.minor == 0 || head.host.is_some(),
        "HTTP/1.1 without Host"
    );

    // Exactly the head: the same parse.
    let exact = parse_head(&data[..head.len], MAX_HEAD);
    assert_eq!(
        format!("{:?}", exact.ok().flatten()),
        format!("{:?}", Some(&head)),
        "the bytes after the head changed its parse"
    );
    // Any prefix: incomplete, so a head split across reads is read whole.
    for cut in [1, head.len / 2, head.len - 1] {
        if cut == 0 || cut >= head.len {
            continue;
        }
        match parse_head(&data[..cut], MAX_HEAD) {
            Ok(None) => {}
            other => panic!(
                "prefix of {cut} of a valid {}-byte head gave {other:?}",
                head.len
            ),
        }
    }
});
