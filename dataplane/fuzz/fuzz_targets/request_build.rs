//! Building the handler's request from any head the parser accepts: never panics, keeps
//! the method and path as parsed, joins repeated headers, and only ever echoes a valid
//! request id (an incoming one that is 1-128 characters of `[A-Za-z0-9-_.:]`, else a
//! new one).
#![no_main]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use libfuzzer_sys::fuzz_target;
use rust_edge_gateway_dataplane::http::head_text::HeadText;
use rust_edge_gateway_dataplane::http::parse::parse_head;
use rust_edge_gateway_dataplane::request::{build, decode_params, Origin};

fuzz_target!(|data: &[u8]| {
    let Some((&trust, data)) = data.split_first() else {
        return;
    };
    let Ok(Some(head)) = parse_head(data, 16 * 1024) else {
        return;
    };
    let peer = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 40000);
    // Half the inputs come through a trusted proxy, so X-Forwarded-For is walked.
    let trusted: Vec<IpAddr> = if trust & 1 == 1 {
        vec![peer.ip()]
    } else {
        Vec::new()
    };
    let new_id = || "generated".to_string();
    let scheme = if trust & 2 == 2 { "https" } else { "http" };
    let origin = Origin {
        peer,
        peer_ip: "127.0.0.1",
        trusted: &trusted,
        scheme,
        new_id: &new_id,
    };
    let path = std::str::from_utf8(&data[head.path.0..head.path.1]).unwrap_or_default();
    let params = decode_params(path.split('/').filter(|s| !s.is_empty()).map(|s| ("p", s)));
    let body = data[head.len..].to_vec();
    let text = HeadText::new(data, &head);
    let req = build(&text, &head, params, body.clone(), &origin);
    assert_eq!(req.method.as_bytes(), &data[head.method.0..head.method.1]);
    assert_eq!(req.path, path);
    if trusted.is_empty() {
        // Only a trusted proxy may say which scheme the client used.
        assert_eq!(req.header("x-forwarded-proto").map(String::as_str), Some(scheme));
    }
    assert!(
        req.request_id == "generated"
            || ((1..=128).contains(&req.request_id.len())
                && req
                    .request_id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))),
        "request id {:?} echoed",
        req.request_id
    );
    // Every header of the head at most once, plus the x-forwarded-proto the gateway sets.
    assert!(req.headers.len() <= head.headers.len() + 1);
    assert!(req
        .headers
        .keys()
        .all(|k| !k.bytes().any(|b| b.is_ascii_uppercase())));
    assert_eq!(req.body.is_some(), !body.is_empty());
    assert!(req.client_ip.is_some_and(|ip| ip.parse::<IpAddr>().is_ok()));
});
