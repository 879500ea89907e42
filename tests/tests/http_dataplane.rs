//! The dataplane over real sockets with real handler libraries: keep-alive, pipelining,
//! chunked bodies, limits, malformed and smuggling requests, route precedence and 405,
//! handler timeouts and panics.

#![allow(clippy::unwrap_used)] // in tests a failed unwrap is a failed test

use std::net::SocketAddr;
use std::time::Duration;

use rust_edge_gateway_dataplane::registry::EndpointSpec;
use rust_edge_gateway_dataplane::{Dataplane, DataplaneConfig};
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{endpoint, Store};
use rust_edge_gateway_tests::http::{get, once, Conn};

struct Gateway {
    dp: Option<Dataplane>,
    store: Store,
}

impl Gateway {
    fn start() -> Gateway {
        let config = DataplaneConfig::new("127.0.0.1:0".parse().unwrap())
            .workers(2)
            .limits(
                4096,
                64 * 1024,
                Duration::from_millis(800),
                Duration::from_secs(5),
            )
            .handler_timeout(Duration::from_secs(5));
        let gw = Gateway {
            dp: Some(Dataplane::start(config).expect("start dataplane")),
            store: Store::new(),
        };
        gw.deploy("hello", "*", "GET", "/hello", Duration::from_secs(5));
        gw.deploy("echo", "*", "POST", "/echo", Duration::from_secs(5));
        gw.deploy("sleep", "*", "GET", "/sleep", Duration::from_millis(300));
        gw.deploy("panic", "*", "GET", "/panic", Duration::from_secs(5));
        gw.deploy("p-id", "*", "GET", "/p/{id}", Duration::from_secs(5));
        gw.deploy("p-me", "*", "GET", "/p/me", Duration::from_secs(5));
        gw.deploy("p-post", "*", "POST", "/p/{id}", Duration::from_secs(5));
        gw.deploy(
            "p-host",
            "api.example.com",
            "GET",
            "/p/{id}",
            Duration::from_secs(5),
        );
        gw
    }

    fn dp(&self) -> &Dataplane {
        self.dp.as_ref().expect("running")
    }

    fn addr(&self) -> SocketAddr {
        self.dp().local_addr()
    }

    fn deploy(&self, id: &str, domain: &str, method: &str, path: &str, timeout: Duration) {
        let lib = self.store.load(&fixtures().lib("fx_async")).expect("load");
        let spec = EndpointSpec {
            domain: domain.into(),
            timeout,
            ..endpoint(id, method, path)
        };
        self.dp().registry().deploy(spec, lib).expect("deploy");
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(dp) = self.dp.take() {
            dp.shutdown();
        }
    }
}

#[test]
fn keep_alive_and_pipelining() {
    let gw = Gateway::start();
    let mut c = Conn::open(gw.addr());
    for _ in 0..3 {
        let r = c.send(&get("/hello")).reply().expect("reply");
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["message"], "Hello from Rust Edge Gateway!");
        assert!(r.header("date").is_some() && r.header("x-request-id").is_some());
    }
    let mut pipelined = Vec::new();
    for path in ["/hello", "/p/1", "/p/2"] {
        pipelined.extend_from_slice(&get(path));
    }
    c.send(&pipelined);
    assert_eq!(c.reply().expect("1").json()["path"], "/hello");
    assert_eq!(c.reply().expect("2").json()["params"]["id"], "1");
    assert_eq!(c.reply().expect("3").json()["params"]["id"], "2");
    // HTTP/1.0 closes by default; Connection: close is honoured.
    let mut c10 = Conn::open(gw.addr());
    let r = c10
        .send(b"GET /hello HTTP/1.0\r\n\r\n")
        .reply()
        .expect("1.0 reply");
    assert_eq!((r.status, r.header("connection")), (200, Some("close")));
    assert!(c10.closed());
    let mut cc = Conn::open(gw.addr());
    cc.send(b"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .reply()
        .expect("reply");
    assert!(cc.closed());
}

#[test]
fn bodies_content_length_chunked_and_100_continue() {
    let gw = Gateway::start();
    let mut c = Conn::open(gw.addr());
    let r = c.send(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello").reply().unwrap();
    assert_eq!((r.status, r.body.as_slice()), (200, &b"hello"[..]));
    let r = c
        .send(b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\nT: 1\r\n\r\n")
        .reply()
        .unwrap();
    assert_eq!((r.status, r.body.as_slice()), (200, &b"hello, world"[..]));
    c.send(b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    let cont = c.reply().expect("100 Continue");
    assert_eq!(cont.status, 100);
    let r = c.send(b"abc").reply().unwrap();
    assert_eq!((r.status, r.body.as_slice()), (200, &b"abc"[..]));
    // HEAD: headers with the body's length, no body.
    let mut h = Conn::open(gw.addr());
    let r = h
        .send(b"HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        .reply_to_head()
        .unwrap();
    assert_eq!(r.status, 200);
    assert!(r.header("content-length").is_some_and(|l| l != "0"));
    assert!(r.body.is_empty());
    let r = h.send(&get("/hello")).reply().unwrap();
    assert_eq!(r.status, 200, "the connection is still in sync after HEAD");
}

#[test]
fn limits_give_431_413_408() {
    let gw = Gateway::start();
    let big = format!(
        "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(5000)
    );
    assert_eq!(once(gw.addr(), big.as_bytes()).unwrap().status, 431);
    let body = format!(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        70 * 1024
    );
    assert_eq!(once(gw.addr(), body.as_bytes()).unwrap().status, 413);
    let chunked = format!("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n", 70 * 1024, "a".repeat(70 * 1024));
    assert_eq!(once(gw.addr(), chunked.as_bytes()).unwrap().status, 413);
    // A slow client that never finishes its head.
    let mut slow = Conn::open(gw.addr());
    let r = slow
        .send(b"GET /hello HTTP/1.1\r\nHost: x\r\n")
        .reply()
        .expect("408");
    assert_eq!(r.status, 408);
    assert!(slow.closed());
    assert_eq!(once(gw.addr(), &get("/hello")).unwrap().status, 200);
}

#[test]
fn malformed_and_smuggling_requests_get_4xx_and_the_gateway_keeps_serving() {
    let gw = Gateway::start();
    let cases: &[(&[u8], u16)] = &[
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3 3\r\n\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        (b"POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        (b"GET /hello HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n", 400),
        (b"GET /hello HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400),
        (b"GET /hello HTTP/1.1\r\nHost: x\r\nX: a\x01b\r\n\r\n", 400),
        (b"GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        (b"GET /hello HTTP/1.1\r\n\r\n", 400),
        (b"GET hello HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /hello HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        (b"G ET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /hello HTTP/1.1\nHost: x\n\n", 400),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n", 400),
        (b"GET /hello HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", 417),
    ];
    let mut rejected = 0;
    for (raw, status) in cases {
        let mut c = Conn::open(gw.addr());
        let r = c
            .send(raw)
            .reply()
            .unwrap_or_else(|| panic!("no reply to {:?}", String::from_utf8_lossy(raw)));
        assert_eq!(r.status, *status, "{:?}", String::from_utf8_lossy(raw));
        assert!(
            c.closed(),
            "closed after {:?}",
            String::from_utf8_lossy(raw)
        );
        rejected += 1;
        assert_eq!(
            once(gw.addr(), &get("/hello")).unwrap().status,
            200,
            "still serving"
        );
    }
    assert!(rejected >= 20);
}

#[test]
fn routes_static_before_params_405_and_hosts() {
    let gw = Gateway::start();
    let r = once(gw.addr(), &get("/p/42?a=1&b=x%20y")).unwrap();
    assert_eq!(r.status, 200);
    let j = r.json();
    assert_eq!(j["params"]["id"], "42");
    assert_eq!(j["query"]["b"], "x y");
    assert_eq!(j["client_ip"], "127.0.0.1");
    let me = once(gw.addr(), &get("/p/me")).unwrap();
    assert_eq!(
        me.json()["params"],
        serde_json::json!({}),
        "static /p/me wins over /p/{{id}}"
    );
    let r = once(gw.addr(), b"DELETE /p/42 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(r.status, 405);
    let allow = r.header("allow").unwrap_or_default().to_string();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    assert_eq!(once(gw.addr(), &get("/nothing/here")).unwrap().status, 404);

    // OPTIONS without an OPTIONS endpoint: 204 with Allow (RFC 9110 §9.3.7). An
    // absolute-form target routes on its own authority, not on Host (RFC 9112 §3.2.2):
    // api.example.com's tree has only GET /p/{id}, the catch-all one GET and POST.
    let r = once(gw.addr(), b"OPTIONS /p/1 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(
        (r.status, r.header("allow")),
        (204, Some("GET, POST, OPTIONS"))
    );
    let r = once(
        gw.addr(),
        b"OPTIONS http://api.example.com/p/1 HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .unwrap();
    assert_eq!((r.status, r.header("allow")), (204, Some("GET, OPTIONS")));
    let r = once(gw.addr(), b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(r.status, 204);
    assert!(r.header("allow").is_some_and(|a| a.contains("OPTIONS")));
    let r = once(
        gw.addr(),
        b"GET /p/7 HTTP/1.1\r\nHost: API.example.com:9080\r\nX-Request-Id: my-id-1\r\n\r\n",
    )
    .unwrap();
    assert_eq!(r.json()["host"], "API.example.com:9080");
    assert_eq!(r.header("x-request-id"), Some("my-id-1"));
    assert_eq!(r.json()["request_id"], "my-id-1");
    let r = once(gw.addr(), b"GET /p/%E2%9C%93 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(r.json()["params"]["id"], "\u{2713}");
}

#[test]
fn handler_timeout_is_504_and_panic_is_500_on_a_live_connection() {
    let gw = Gateway::start();
    let mut c = Conn::open(gw.addr());
    let r = c.send(&get("/sleep?ms=3000")).reply().unwrap();
    assert_eq!(r.status, 504);
    assert!(r.json()["error"]
        .as_str()
        .is_some_and(|e| e.contains("timed out")));
    let r = c.send(&get("/panic")).reply().unwrap();
    assert_eq!(r.status, 500);
    let r = c.send(&get("/hello")).reply().unwrap();
    assert_eq!(r.status, 200, "same connection keeps working");
}
