//! The full in-process request path: parse the head, route, build the Request, call the
//! loaded handler library, encode the response; against the handler call alone on an
//! equivalent Request (the baseline, measured in the same run). The difference is what
//! the gateway adds per request on top of the handler, sockets excluded.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rust_edge_gateway_dataplane::http::encode::{encode, Framing};
use rust_edge_gateway_dataplane::http::head_text::HeadText;
use rust_edge_gateway_dataplane::http::parse::parse_head;
use rust_edge_gateway_dataplane::request::{build, decode_params, Origin};
use rust_edge_gateway_dataplane::router::{Lookup, Router};
use rust_edge_gateway_sdk::Request;
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{ctx, ready_now, Store};

const RAW: &[u8] =
    b"GET /hello HTTP/1.1\r\nHost: localhost:9080\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n";

fn request_path(c: &mut Criterion) {
    let store = Store::new();
    let lib = store
        .load(&fixtures().lib("fx_async"))
        .expect("load fx_async");
    let mut router = Router::new();
    router.insert("*", "GET", "/hello", 0usize).expect("route");
    let peer = "127.0.0.1:40000".parse().expect("peer");
    let new_id = || "0123456789abcdef00000001".to_string();
    let origin = Origin {
        peer,
        peer_ip: "127.0.0.1",
        trusted: &[],
        scheme: "http",
        new_id: &new_id,
    };
    let mut out = Vec::with_capacity(4096);

    let mut g = c.benchmark_group("request_path");
    g.bench_function("baseline_handler_call", |b| {
        b.iter(|| {
            let mut req = Request {
                method: "GET".into(),
                path: "/hello".into(),
                request_id: new_id(),
                ..Default::default()
            };
            req.headers.insert("host".into(), "localhost:9080".into());
            req.headers.insert("user-agent".into(), "wrk".into());
            req.headers.insert("accept".into(), "*/*".into());
            let Some(fut) = lib.call_async(ctx(), black_box(req)) else {
                panic!("async entry")
            };
            black_box(ready_now(fut))
        })
    });
    g.bench_function("gateway_in_process", |b| {
        b.iter(|| {
            let head = parse_head(black_box(RAW), 16 * 1024)
                .expect("valid")
                .expect("complete");
            let host = head.host.map_or("", |i| {
                std::str::from_utf8(&RAW[head.headers[i].1 .0..head.headers[i].1 .1]).unwrap_or("")
            });
            let path = std::str::from_utf8(&RAW[head.path.0..head.path.1]).unwrap_or("/");
            let params = match router.lookup(host, "GET", path) {
                Lookup::Found(_, p) => decode_params(p.iter()),
                _ => panic!("route"),
            };
            let text = HeadText::new(RAW, &head);
            let req = build(&text, &head, params, Vec::new(), &origin);
            let request_id = req.request_id.clone();
            let Some(fut) = lib.call_async(ctx(), req) else {
                panic!("async entry")
            };
            let resp = ready_now(fut);
            out.clear();
            encode(
                &mut out,
                &resp,
                Framing {
                    head_only: false,
                    keep_alive: true,
                    minor: 1,
                    request_id: &request_id,
                },
            );
            black_box(out.len())
        })
    });
    g.finish();
}

criterion_group!(benches, request_path);
criterion_main!(benches);
