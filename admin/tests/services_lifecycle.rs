//! Service lifecycle through the API and the gateway port: test, activate (refused with the
//! reason when the backend is down), deactivate (503 for handlers), name resolution through
//! bindings then names, unknown names, restore after a gateway restart, a Redis restart
//! under traffic survived without touching the gateway, and a hanging backend that does not
//! stall the gateway.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::backends::require;
use support::Gateway;

const CACHE: &str = include_str!("handlers/cache.rs");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

#[test]
fn test_activate_deactivate_resolve_and_restore() {
    require("Redis", 6379);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut gw = Gateway::start(dir.path(), &[]);
    let ep = gw.handler("/kv", CACHE, &[]);

    // Unknown name: 500 naming it.
    let (s, v) = gw.get_json("/kv?op=get&key=a");
    assert_eq!(s, 500, "{v}");
    assert!(v.to_string().contains("'kv'"), "names the service: {v}");

    // Test: connected with a latency, or the error.
    let good = gw.service("kv", "redis", json!({"host": "127.0.0.1", "port": 6379}));
    let (s, v) = gw.api("POST", &format!("/services/{good}/test"), None);
    assert_eq!(
        (s, &v["data"]["connected"]),
        (200, &Value::Bool(true)),
        "{v}"
    );
    assert!(v["data"]["latency_ms"].is_u64(), "{v}");
    let dead_port = free_port();
    let bad = gw.service(
        "dead",
        "redis",
        json!({"host": "127.0.0.1", "port": dead_port, "timeout_seconds": 2}),
    );
    let (s, v) = gw.api("POST", &format!("/services/{bad}/test"), None);
    assert_eq!(
        (s, &v["data"]["connected"]),
        (200, &Value::Bool(false)),
        "{v}"
    );
    assert!(
        v["data"]["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{v}"
    );
    let (s, v) = gw.api("POST", &format!("/services/{bad}/activate"), None);
    assert_eq!(s, 503, "{v}");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("not activated")),
        "{v}"
    );
    let (_, v) = gw.api("GET", &format!("/services/{bad}"), None);
    assert_eq!(v["data"]["active"], false);

    // Known by name but inactive: 503 saying so; active: served by name (no binding).
    let (s, v) = gw.get_json("/kv?op=get&key=a");
    assert_eq!(s, 503, "{v}");
    assert!(v.to_string().contains("not active"), "{v}");
    gw.activate(&good);
    let key = format!("gw-life:{}", std::process::id());
    let (s, v) = gw.get_json(&format!("/kv?op=set&key={key}"));
    assert_eq!(s, 200, "resolved by service name: {v}");

    // A binding wins over the name: bind the dead service as "kv" -> 503 from it.
    let dead_active = gw.service(
        "dead2",
        "redis",
        json!({"host": "127.0.0.1", "port": dead_port, "timeout_seconds": 2}),
    );
    gw.bind(&ep, &dead_active, "kv");
    let (s, v) = gw.get_json(&format!("/kv?op=get&key={key}"));
    assert_eq!(s, 503, "the bound (inactive) service is used: {v}");
    let (s, _) = gw.api(
        "DELETE",
        &format!("/endpoints/{ep}/services/{dead_active}"),
        None,
    );
    assert_eq!(s, 200);
    let (s, v) = gw.get_json(&format!("/kv?op=get&key={key}"));
    assert_eq!((s, &v["value"]), (200, &json!({"hello": "cache"})), "{v}");

    // A wrong kind is not found with the reason.
    let lite = gw.service("lite", "sqlite", json!({"path": "x.db"}));
    gw.activate(&lite);
    gw.bind(&ep, &lite, "kv");
    let (s, v) = gw.get_json(&format!("/kv?op=get&key={key}"));
    assert_eq!(s, 500, "{v}");
    assert!(v.to_string().contains("sqlite"), "{v}");
    gw.api("DELETE", &format!("/endpoints/{ep}/services/{lite}"), None);

    // Deactivate: 503; the store remembers.
    let (s, v) = gw.api("POST", &format!("/services/{good}/deactivate"), None);
    assert_eq!(
        (s, &v["data"]["message"]),
        (200, &json!("Service deactivated")),
        "{v}"
    );
    assert_eq!(gw.get_json(&format!("/kv?op=get&key={key}")).0, 503);
    gw.activate(&good);

    // Restart: the active service and the endpoint come back.
    let _ = gw.child.kill();
    let _ = gw.child.wait();
    gw = Gateway::start(dir.path(), &[]);
    let (_, v) = gw.api("GET", &format!("/services/{good}"), None);
    assert_eq!(v["data"]["active"], true);
    let (s, v) = gw.get_json(&format!("/kv?op=get&key={key}"));
    assert_eq!(
        (s, &v["value"]),
        (200, &json!({"hello": "cache"})),
        "after restart: {v}"
    );
    gw.get_json(&format!("/kv?op=delete&key={key}"));

    // Disabling an active service stops it; activating a disabled one is refused.
    let (s, v) = gw.api(
        "PUT",
        &format!("/services/{good}"),
        Some(json!({"enabled": false})),
    );
    assert_eq!((s, &v["data"]["active"]), (200, &json!(false)), "{v}");
    assert_eq!(gw.get_json(&format!("/kv?op=get&key={key}")).0, 503);
    let (s, v) = gw.api("POST", &format!("/services/{good}/activate"), None);
    assert_eq!(s, 400, "{v}");
}

struct Redis(Child);

impl Redis {
    fn start(port: u16) -> Redis {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server (run `bash scripts/services-up.sh` to install it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Redis(child)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_redis_restart_under_traffic_is_survived() {
    let port = free_port();
    let redis = Redis::start(port);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let svc = gw.service(
        "kv",
        "redis",
        json!({"host": "127.0.0.1", "port": port, "timeout_seconds": 3}),
    );
    gw.activate(&svc);
    gw.handler("/kv", CACHE, &[(&svc, "kv")]);
    let path = "/kv?op=incr&key=restart-counter";
    for _ in 0..20 {
        assert_eq!(gw.get_json(path).0, 200);
    }
    drop(redis);
    let mut outage = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let (s, v) = gw.get_json(path);
        outage.push(s);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "answered promptly while down"
        );
        if s == 503 {
            assert!(
                v.to_string().to_lowercase().contains("redis"),
                "the reason: {v}"
            );
        }
    }
    assert!(
        outage.iter().all(|s| *s == 503),
        "503 while Redis is down: {outage:?}"
    );
    let _redis = Redis::start(port);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (s, v) = gw.get_json(path);
        if s == 200 {
            assert_eq!(v["value"], 1, "a fresh server: the counter starts again");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not recovered 30 s after Redis came back: {s} {v}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    for _ in 0..20 {
        assert_eq!(gw.get_json(path).0, 200, "steady after recovery");
    }
}

/// A minimal memcached that answers `get` with a miss: at once in mode 0, never in mode 1
/// (hanging), after one second in mode 2 (slow).
fn fake_memcached(mode: Arc<AtomicU8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let mode = Arc::clone(&mode);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(conn.try_clone().expect("clone"));
                let mut writer = conn;
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    let m = mode.load(Ordering::SeqCst);
                    if m == 2 {
                        std::thread::sleep(Duration::from_secs(1));
                    }
                    if m != 1 && line.starts_with("get ") {
                        let _ = writer.write_all(b"END\r\n");
                    }
                    line.clear();
                }
            });
        }
    });
    port
}

#[test]
fn a_hanging_backend_times_out_without_stalling_the_gateway() {
    let mode = Arc::new(AtomicU8::new(0));
    let port = fake_memcached(Arc::clone(&mode));
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let svc = gw.service(
        "slow",
        "memcached",
        json!({"host": "127.0.0.1", "port": port, "timeout_seconds": 2, "pool_size": 1}),
    );
    gw.activate(&svc);
    gw.handler("/slow", CACHE, &[(&svc, "kv")]);
    let hello = gw.create("hello", "GET", "/hello", None);
    gw.deploy(&hello);
    assert_eq!(
        gw.get_json("/slow?op=get&key=k").0,
        200,
        "answers while healthy"
    );

    mode.store(1, Ordering::SeqCst);
    let addr = gw.gateway;
    let slow: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let started = Instant::now();
                let raw = "GET /slow?op=get&key=k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
                let r = rust_edge_gateway_tests::http::Conn::open_with_timeout(
                    addr,
                    Duration::from_secs(30),
                )
                .send(raw.as_bytes())
                .reply()
                .expect("reply");
                (
                    r.status,
                    String::from_utf8_lossy(&r.body).into_owned(),
                    started.elapsed(),
                )
            })
        })
        .collect();
    // While four handlers (on both workers) wait for the hanging backend, the workers
    // keep answering other requests at once.
    std::thread::sleep(Duration::from_millis(200));
    for _ in 0..50 {
        let started = Instant::now();
        assert_eq!(gw.get("/hello").status, 200);
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "a request waited {:?} behind a slow backend",
            started.elapsed()
        );
    }
    for t in slow {
        let (status, body, took) = t.join().expect("thread");
        assert_eq!(status, 503, "{body}");
        assert!(
            body.contains("did not answer") || body.contains("unreachable"),
            "{body}"
        );
        assert!(
            took < Duration::from_secs(12),
            "bounded by the service timeout: {took:?}"
        );
    }
}

#[test]
fn deactivate_lets_the_call_in_flight_finish() {
    let mode = Arc::new(AtomicU8::new(0));
    let port = fake_memcached(Arc::clone(&mode));
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let svc = gw.service(
        "mc",
        "memcached",
        json!({"host": "127.0.0.1", "port": port, "pool_size": 1}),
    );
    gw.activate(&svc);
    gw.handler("/mc", CACHE, &[(&svc, "kv")]);
    mode.store(2, Ordering::SeqCst);
    let addr = gw.gateway;
    let call = std::thread::spawn(move || {
        let raw = "GET /mc?op=get&key=k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        let r =
            rust_edge_gateway_tests::http::Conn::open_with_timeout(addr, Duration::from_secs(30))
                .send(raw.as_bytes())
                .reply()
                .expect("reply");
        (r.status, Instant::now())
    });
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    let (s, v) = gw.api("POST", &format!("/services/{svc}/deactivate"), None);
    let waited = asked.elapsed();
    assert_eq!(s, 200, "{v}");
    let (status, _) = call.join().expect("thread");
    assert_eq!(
        status, 200,
        "the call in flight was answered by the backend"
    );
    assert!(
        waited >= Duration::from_millis(500),
        "deactivate waited for the call in flight (1 s backend, asked after 0.3 s): {waited:?}"
    );
    assert_eq!(
        gw.get_json("/mc?op=get&key=k").0,
        503,
        "new calls after deactivate"
    );
}
