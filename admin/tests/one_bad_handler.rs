//! One bad handler, against the real binary and real handler crates built by cargo:
//!
//! - a handler that spins: its worker leaves the reuseport group (the next 100 requests
//!   to another endpoint on fresh connections are all answered), the endpoint is
//!   quarantined after 5 s (503 at once, with the reason, also in the admin API and
//!   `/metrics`), and a start lifts it;
//! - a handler that aborts (or overflows its stack): the process dies of the signal, the
//!   restarted gateway serves everything else and keeps that version unloaded (error, with
//!   the reason; 404 on its route) until it is deployed again;
//! - a `kill -9` during a normal request keeps nothing unloaded.

mod support;

use std::os::unix::process::ExitStatusExt;
use std::time::{Duration, Instant};

use rust_edge_gateway_tests::http::Conn;
use serde_json::{json, Value};
use support::{versioned_code, Gateway};

/// Spins (never yields) for `?ms=` milliseconds.
const SPIN: &str = r#"use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {
    let ms: u64 = req.query_param_as("ms").unwrap_or(60_000);
    let end = std::time::Instant::now() + std::time::Duration::from_millis(ms);
    while std::time::Instant::now() < end {
        std::hint::spin_loop();
    }
    Response::ok(json!({ "spun_ms": ms }))
}
"#;

/// `?how=abort` aborts, `?how=overflow` overflows the stack; otherwise 200.
const CRASH: &str = r#"use rust_edge_gateway_sdk::prelude::*;

fn deep(n: u64) -> u64 {
    let buf = [n as u8; 4096];
    std::hint::black_box(&buf);
    if n == 0 { 0 } else { deep(n - 1) + u64::from(std::hint::black_box(buf)[7]) }
}

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {
    match req.query_param("how").map(String::as_str) {
        Some("abort") => std::process::abort(),
        Some("overflow") => Response::ok(json!({ "n": deep(10_000_000) })),
        _ => Response::ok(json!({ "armed": true })),
    }
}
"#;

/// Sleeps (yielding) for `?ms=` milliseconds.
const SLOW: &str = r#"use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {
    let ms: u64 = req.query_param_as("ms").unwrap_or(10);
    rust_edge_gateway_sdk::time::sleep(std::time::Duration::from_millis(ms)).await;
    Response::ok(json!({ "slept_ms": ms }))
}
"#;

/// `GET path` on a fresh connection that gives up after `timeout`; `None` without an
/// answer (refused, reset, closed or timed out).
fn get_within(gw: &Gateway, path: &str, timeout: Duration) -> Option<(u16, Value)> {
    fresh_get(gw.gateway, path, timeout)
}

fn fresh_get(addr: std::net::SocketAddr, path: &str, timeout: Duration) -> Option<(u16, Value)> {
    use std::io::{Read, Write};
    let raw = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    stream.write_all(raw.as_bytes()).ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let text = String::from_utf8_lossy(&answer);
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

/// The value of an unlabelled sample in `/metrics`.
fn metric(gw: &Gateway, name: &str) -> f64 {
    let raw = format!(
        "GET /metrics HTTP/1.1\r\nHost: localhost\r\n{}Connection: close\r\n\r\n",
        gw.auth()
    );
    let r = Conn::open(gw.admin)
        .send(raw.as_bytes())
        .reply()
        .expect("metrics");
    let text = String::from_utf8_lossy(&r.body).to_string();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics:\n{text}"))
}

fn endpoint(gw: &Gateway, id: &str) -> Value {
    let (s, v) = gw.api("GET", &format!("/endpoints/{id}"), None);
    assert_eq!(s, 200, "{v}");
    v["data"].clone()
}

#[test]
fn a_spinning_handler_loses_its_worker_only_and_is_quarantined() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let spin = gw.create("spin", "GET", "/spin", Some(SPIN));
    gw.deploy(&spin);
    let hello = gw.create("hello", "GET", "/hello", Some(&versioned_code(1)));
    gw.deploy(&hello);

    // Keep-alive connections opened first: SO_REUSEPORT spreads them over both workers.
    let mut kept: Vec<Conn> = (0..16)
        .map(|_| Conn::open_with_timeout(gw.gateway, Duration::from_secs(2)))
        .collect();
    let hello_req = b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n";
    for c in &mut kept {
        assert_eq!(c.send(hello_req).reply().expect("warm").status, 200);
    }

    let spinner = std::thread::spawn({
        let addr = gw.gateway;
        move || {
            Conn::open_with_timeout(addr, Duration::from_secs(120))
                .send(
                    b"GET /spin?ms=100000 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                )
                .reply()
                .map(|r| r.status)
        }
    });
    std::thread::sleep(Duration::from_millis(50));
    // Requests on fresh connections sent before the watchdog noticed: those the kernel put
    // in the stuck worker's accept queue are handed to the other worker at 500 ms.
    let early: Vec<_> = (0..20)
        .map(|_| {
            let addr = gw.gateway;
            std::thread::spawn(move || fresh_get(addr, "/hello", Duration::from_secs(3)))
        })
        .collect();
    for (i, t) in early.into_iter().enumerate() {
        let r = t.join().expect("client");
        assert_eq!(r.map(|r| r.0), Some(200), "early request {i}");
    }
    std::thread::sleep(Duration::from_millis(200));

    // The next 100 requests to another endpoint on fresh connections are all answered.
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    for i in 0..100 {
        let t = Instant::now();
        let r = get_within(&gw, "/hello", Duration::from_secs(3));
        slowest = slowest.max(t.elapsed());
        assert_eq!(
            r.as_ref().map(|r| r.0),
            Some(200),
            "fresh request {i} to /hello while a handler spins: {r:?}"
        );
    }
    eprintln!(
        "100 fresh /hello while one worker spins: all answered in {:?}, slowest {slowest:?}",
        started.elapsed()
    );

    // The connections the stuck worker had already accepted wait for it.
    let waited = kept
        .into_iter()
        .map(|mut c| c.send(hello_req).reply().is_none())
        .filter(|w| *w)
        .count();
    eprintln!("keep-alive connections opened before the spin: {waited} of 16 got no answer within 2 s (they are on the stuck worker)");

    // Quarantined once the call has run past 5 s: the admin API says why.
    let deadline = Instant::now() + Duration::from_secs(10);
    let ep = loop {
        let ep = endpoint(&gw, &spin);
        if ep["status"] == json!("quarantined") {
            break ep;
        }
        assert!(
            Instant::now() < deadline,
            "not quarantined after 10 s: {ep}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let reason = ep["quarantine"].as_str().expect("reason").to_string();
    assert!(
        reason.contains("a request has been running for") && reason.contains("on worker"),
        "{reason}"
    );
    let (_, list) = gw.api("GET", "/endpoints", None);
    let listed = list["data"]
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["id"] == json!(spin))
        .cloned()
        .expect("listed");
    assert_eq!(listed["status"], json!("quarantined"), "{listed}");
    assert_eq!(endpoint(&gw, &hello)["status"], json!("running"));

    // A second request to the spinning endpoint gets 503 at once, with the reason.
    let t = Instant::now();
    let r = get_within(&gw, "/spin?ms=10", Duration::from_secs(3)).expect("answered");
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "503 took {:?}",
        t.elapsed()
    );
    assert_eq!(r.0, 503, "{r:?}");
    assert!(
        r.1["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("endpoint quarantined")),
        "{r:?}"
    );
    for _ in 0..20 {
        assert_eq!(
            get_within(&gw, "/hello", Duration::from_secs(3)).map(|r| r.0),
            Some(200)
        );
    }
    assert_eq!(metric(&gw, "reg_quarantines_total"), 1.0);
    assert_eq!(metric(&gw, "reg_quarantined_endpoints"), 1.0);
    assert!(metric(&gw, "reg_quarantine_rejections_total") >= 1.0);
    assert_eq!(metric(&gw, "reg_listener_removals_total"), 1.0);
    eprintln!(
        "connections handed from the stuck worker's queue to the other: {}",
        metric(&gw, "reg_handed_off_connections_total")
    );

    // An explicit start lifts it: the endpoint serves again (on the free worker).
    let (s, v) = gw.api("POST", &format!("/endpoints/{spin}/start"), None);
    assert_eq!(s, 200, "{v}");
    assert_eq!(endpoint(&gw, &spin)["status"], json!("running"));
    let r = get_within(&gw, "/spin?ms=5", Duration::from_secs(3));
    assert_eq!(r.map(|r| r.0), Some(200));
    assert_eq!(metric(&gw, "reg_quarantined_endpoints"), 0.0);
    drop(gw);
    let _ = spinner.join();
}

/// Waits for the gateway process to die; its exit signal.
fn died_of(gw: &mut Gateway) -> Option<i32> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = gw.child.try_wait().expect("wait") {
            return status.signal();
        }
        assert!(Instant::now() < deadline, "the gateway did not die");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_crashing_handler_stays_unloaded_after_the_restart_until_deployed_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (crash, hello) = {
        let mut gw = Gateway::start(dir.path(), &[]);
        let crash = gw.create("crash", "GET", "/crash", Some(CRASH));
        gw.deploy(&crash);
        let hello = gw.create("hello", "GET", "/hello", Some(&versioned_code(1)));
        gw.deploy(&hello);
        assert_eq!(gw.get_json("/crash").0, 200);
        // The abort takes the process down: no answer, death by SIGABRT.
        assert!(get_within(&gw, "/crash?how=abort", Duration::from_secs(5)).is_none());
        assert_eq!(died_of(&mut gw), Some(libc::SIGABRT));
        (crash, hello)
    };
    let record = std::fs::read_to_string(dir.path().join("crash-record")).expect("record");
    assert!(record.starts_with("signal=6 scope="), "{record:?}");

    // Restarted on the same data dir: everything else serves, the crashing version is not
    // loaded (its route is gone: 404), and the endpoint says why.
    let check_held = |gw: &Gateway, signal: &str| {
        assert_eq!(gw.get_json("/hello").1["v"], json!(1));
        let ep = endpoint(gw, &crash);
        assert_eq!(ep["status"], json!("error"), "{ep}");
        let why = ep["last_error"].as_str().unwrap_or_default();
        assert!(
            why.contains(&format!("crashed the gateway with {signal} at"))
                && why.ends_with("deploy again to load it"),
            "{why}"
        );
        assert_eq!(gw.get("/crash").status, 404);
        assert_eq!(endpoint(gw, &hello)["status"], json!("running"));
    };
    {
        let gw = Gateway::start(dir.path(), &[]);
        check_held(&gw, "SIGABRT");
        assert_eq!(metric(&gw, "reg_crash_records_total"), 1.0);
        let (_, h) = gw.raw_api("GET", "/health", None, "");
        assert_eq!(h["data"]["restore"]["crash_records"], json!(1), "{h}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("crash-record")).expect("record"),
            "",
            "the record is cleared once the store holds it"
        );
    }
    // Still held on the boot after (the store remembers), with no record left.
    let mut gw = Gateway::start(dir.path(), &[]);
    check_held(&gw, "SIGABRT");
    assert_eq!(metric(&gw, "reg_crash_records_total"), 0.0);

    // A deploy loads it again.
    let (s, v) = gw.api("POST", &format!("/endpoints/{crash}/start"), None);
    assert_eq!(s, 200, "{v}");
    assert_eq!(gw.get_json("/crash").1, json!({ "armed": true }));

    // A stack overflow is caught too (on the alternate signal stack).
    assert!(get_within(&gw, "/crash?how=overflow", Duration::from_secs(5)).is_none());
    assert_eq!(died_of(&mut gw), Some(libc::SIGSEGV));
    drop(gw);
    let gw = Gateway::start(dir.path(), &[]);
    check_held(&gw, "SIGSEGV");
}

#[test]
fn a_kill_9_during_a_request_keeps_nothing_unloaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (slow, hello) = {
        let mut gw = Gateway::start(dir.path(), &[]);
        let slow = gw.create("slow", "GET", "/slow", Some(SLOW));
        gw.deploy(&slow);
        let hello = gw.create("hello", "GET", "/hello", Some(&versioned_code(1)));
        gw.deploy(&hello);
        let addr = gw.gateway;
        let pending = std::thread::spawn(move || {
            Conn::open_with_timeout(addr, Duration::from_secs(10))
                .send(b"GET /slow?ms=5000 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .reply()
        });
        std::thread::sleep(Duration::from_millis(500));
        gw.child.kill().expect("kill -9");
        assert_eq!(died_of(&mut gw), Some(libc::SIGKILL));
        assert!(pending.join().expect("client").is_none());
        (slow, hello)
    };
    let gw = Gateway::start(dir.path(), &[]);
    for id in [&slow, &hello] {
        assert_eq!(endpoint(&gw, id)["status"], json!("running"));
    }
    assert_eq!(gw.get_json("/slow?ms=1").1["slept_ms"], json!(1));
    assert_eq!(gw.get_json("/hello").1["v"], json!(1));
    assert_eq!(metric(&gw, "reg_crash_records_total"), 0.0);
}
