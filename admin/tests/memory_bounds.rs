//! Memory bounds on the real gateway binary over real sockets: an endpoint's own
//! `max_body_bytes` (set through the API: 413 above it, 200 at it; refused values are a
//! 400), the per-worker cap on buffered request bytes (stalled uploads hold it; one more
//! upload gets 503 with `Retry-After` while a GET still answers), the per-client-IP
//! connection cap (the N+1th connection is closed at accept), the counters of each on
//! `/metrics`, and the store migration that gives endpoints made before the field 1 MiB.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::{json, Value};
use support::Gateway;

/// A metric's value in the `/metrics` text (0 when absent).
fn metric(gw: &Gateway, series: &str) -> u64 {
    let text = gw.metrics_text();
    text.lines()
        .find_map(|l| {
            l.strip_prefix(series)?
                .strip_prefix(' ')?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// An upload that sent its head and part of its body, then stalls.
fn stalled_upload(addr: SocketAddr, path: &str, length: usize, sent: usize) -> TcpStream {
    let mut s = TcpStream::connect(addr).expect("connect");
    let head =
        format!("POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n");
    s.write_all(head.as_bytes()).expect("head");
    s.write_all(&vec![b'x'; sent]).expect("part of the body");
    s
}

/// Reads what the server sends until it closes (or 5 s pass).
fn read_answer(s: &mut TcpStream) -> String {
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn upload_endpoint(gw: &Gateway, max_body: Option<u64>) -> String {
    let mut body = json!({"name": "upload", "path": "/upload", "method": "POST", "domain": "*"});
    if let Some(n) = max_body {
        body["max_body_bytes"] = json!(n);
    }
    let (s, v) = gw.api("POST", "/endpoints", Some(body));
    assert_eq!(s, 200, "{v}");
    let id = v["data"]["id"].as_str().expect("id").to_string();
    gw.deploy(&id);
    id
}

#[test]
fn an_endpoints_max_body_bytes_is_its_413() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let id = upload_endpoint(&gw, None);
    let (_, v) = gw.api("GET", &format!("/endpoints/{id}"), None);
    assert_eq!(v["data"]["max_body_bytes"], 1 << 20, "the default: {v}");
    assert_eq!(
        gw.request("POST", "/upload", &vec![b'x'; 1 << 20]).status,
        200
    );
    assert_eq!(
        gw.request("POST", "/upload", &vec![b'x'; (1 << 20) + 1])
            .status,
        413
    );

    // Refused values say why, and change nothing.
    for bad in [json!(0), json!(-1), json!((1u64 << 30) + 1), json!("big")] {
        let (s, v) = gw.api(
            "PUT",
            &format!("/endpoints/{id}"),
            Some(json!({"max_body_bytes": bad})),
        );
        assert_eq!(s, 400, "{bad}: {v}");
        assert!(
            v["error"]
                .as_str()
                .unwrap_or_default()
                .contains("max_body_bytes"),
            "{bad}: {v}"
        );
    }

    // A serving endpoint takes a new limit at once: 1000 bytes pass, 1001 are a 413.
    let (s, v) = gw.api(
        "PUT",
        &format!("/endpoints/{id}"),
        Some(json!({"max_body_bytes": 1000})),
    );
    assert_eq!(
        (s, &v["data"]["max_body_bytes"]),
        (200, &json!(1000)),
        "{v}"
    );
    assert_eq!(gw.request("POST", "/upload", &[b'x'; 1000]).status, 200);
    let before = metric(&gw, "reg_body_too_large_total");
    assert_eq!(gw.request("POST", "/upload", &[b'x'; 1001]).status, 413);
    assert_eq!(metric(&gw, "reg_body_too_large_total"), before + 1);

    // And a larger one: 3 MiB passes once it is allowed.
    let (s, _) = gw.api(
        "PUT",
        &format!("/endpoints/{id}"),
        Some(json!({"max_body_bytes": 4 << 20})),
    );
    assert_eq!(s, 200);
    assert_eq!(
        gw.request("POST", "/upload", &vec![b'x'; 3 << 20]).status,
        200
    );
}

#[test]
fn uploads_over_the_worker_buffer_cap_get_503_with_retry_after() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two workers with 2 MiB of request buffers each: a worker holds two stalled 900 KB
    // uploads (their whole length is charged up front), not three.
    let gw = Gateway::start(dir.path(), &["--max-buffered-bytes-per-worker", "2097152"]);
    upload_endpoint(&gw, None);
    let hello = gw.create("hello", "GET", "/hello", None);
    gw.deploy(&hello);

    let before = metric(&gw, "reg_buffer_full_total");
    let mut held = Vec::new();
    let mut refused = None;
    // The kernel spreads connections over the workers: by the fifth upload at the latest,
    // one lands on a worker that already holds two.
    for _ in 0..5 {
        let mut s = stalled_upload(gw.gateway, "/upload", 900_000, 100_000);
        s.set_read_timeout(Some(Duration::from_millis(500)))
            .expect("timeout");
        let mut first = [0u8; 1];
        match s.read(&mut first) {
            Ok(1) => {
                let rest = read_answer(&mut s);
                refused = Some(format!("{}{rest}", first[0] as char));
                break;
            }
            _ => held.push(s),
        }
    }
    let answer = refused.expect("an upload over the cap is answered at once");
    assert!(held.len() >= 2, "two uploads always fit one worker");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("retry-after: 1\r\n"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");
    assert_eq!(metric(&gw, "reg_buffer_full_total"), before + 1);

    // Small requests are not held up by the cap.
    assert_eq!(gw.get("/hello").status, 200);
    assert_eq!(gw.request("POST", "/upload", b"small").status, 200);

    // Stalled uploads that finish are answered and give their bytes back.
    for mut s in held {
        s.write_all(&vec![b'x'; 800_000]).expect("rest of the body");
        assert!(read_answer(&mut s).starts_with("HTTP/1.1 200"));
    }
    for _ in 0..4 {
        assert_eq!(
            gw.request("POST", "/upload", &vec![b'x'; 900_000]).status,
            200
        );
    }
}

#[test]
fn connections_over_the_per_ip_cap_are_closed_at_accept() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two workers: the cap holds across them (the kernel spreads connections over both).
    let gw = Gateway::start(dir.path(), &["--max-connections-per-ip", "4"]);
    let hello = gw.create("hello", "GET", "/hello", None);
    gw.deploy(&hello);

    let held: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(gw.gateway).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    for _ in 0..3 {
        let mut over = TcpStream::connect(gw.gateway).expect("the kernel accepts");
        over.write_all(b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .ok();
        assert_eq!(
            read_answer(&mut over),
            "",
            "the 5th connection is closed unanswered"
        );
    }
    assert_eq!(
        metric(&gw, "reg_connections_refused_total{reason=\"per_ip\"}"),
        3
    );
    drop(held);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(gw.get("/hello").status, 200, "room again once they closed");
}

#[test]
fn endpoints_made_before_the_field_migrate_to_one_mib() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A store as the previous version left it: migrations 0001-0003 and one endpoint.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("gateway.db"))
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(opts).await.expect("open");
        let mut migrator = sqlx::migrate!("./migrations/sqlite");
        let old: Vec<_> = migrator
            .migrations
            .iter()
            .filter(|m| m.version <= 3)
            .cloned()
            .collect();
        assert_eq!(old.len(), 3);
        migrator.migrations = old.into();
        migrator.run(&pool).await.expect("migrations 0001-0003");
        sqlx::query(
            "INSERT INTO endpoints (id, scope, name, path, method, domain, code, created_at, updated_at) \
             VALUES ('old-1', 1, 'old', '/old', 'POST', '*', 'code', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        )
        .execute(&pool)
        .await
        .expect("an endpoint of the old schema");
        pool.close().await;
    });
    let gw = Gateway::start(dir.path(), &[]);
    let (s, v) = gw.api("GET", "/endpoints/old-1", None);
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["max_body_bytes"], Value::from(1u64 << 20), "{v}");
}
