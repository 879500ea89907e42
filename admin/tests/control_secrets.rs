//! Secrets at rest and in motion: a stored password never leaves for a host, port or user
//! other than the one it was saved with (a listener on another port receives nothing of
//! it); a SQLite service cannot open the gateway's own files.

mod support;

use std::io::Read;
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::json;
use support::Gateway;

/// A listener that records every byte sent to it for `window`.
fn eavesdropper(window: Duration) -> (u16, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let until = std::time::Instant::now() + window;
        let mut heard = Vec::new();
        while std::time::Instant::now() < until {
            if let Ok((mut conn, _)) = listener.accept() {
                let _ = conn.set_nonblocking(false);
                let _ = conn.set_read_timeout(Some(Duration::from_millis(500)));
                let mut buf = [0u8; 4096];
                while let Ok(n) = conn.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    heard.extend_from_slice(&buf[..n]);
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = tx.send(heard);
    });
    (port, rx)
}

#[test]
fn a_stored_secret_never_follows_a_new_destination() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let id = gw.service(
        "cache",
        "redis",
        json!({"host": "127.0.0.1", "port": 6379, "password": "hunter2-stored", "timeout_seconds": 1}),
    );
    let (port, heard) = eavesdropper(Duration::from_secs(4));

    // A draft test of the stored service pointed at another port: refused, nothing sent.
    let (s, v) = gw.api(
        "POST",
        "/services/test",
        Some(json!({"id": id, "service_type": "redis", "config": {"port": port, "password": "********"}})),
    );
    assert_eq!(s, 400, "{v}");
    assert!(
        v["error"].as_str().is_some_and(|e| e.contains("password")),
        "{v}"
    );
    // Leaving the password out moves it all the same: refused too.
    let (s, _) = gw.api(
        "POST",
        "/services/test",
        Some(json!({"id": id, "service_type": "redis", "config": {"port": port}})),
    );
    assert_eq!(s, 400);
    // Saving the new destination without its own password: refused; the stored config stays.
    let (s, v) = gw.api(
        "PUT",
        &format!("/services/{id}"),
        Some(json!({"config": {"host": "localhost", "port": port}})),
    );
    assert_eq!(s, 400, "{v}");
    let (_, stored) = gw.api("GET", &format!("/services/{id}"), None);
    assert_eq!(stored["data"]["config"]["port"], json!(6379), "{stored}");
    // With its own password, the draft test goes there, carrying that password only.
    let (s, v) = gw.api(
        "POST",
        "/services/test",
        Some(json!({"id": id, "service_type": "redis", "config": {"port": port, "password": "typed-again"}})),
    );
    assert_eq!(s, 200, "{v}");
    let heard = heard.recv().expect("listener");
    let text = String::from_utf8_lossy(&heard);
    assert!(
        !text.contains("hunter2-stored"),
        "the stored secret left: {text}"
    );
    assert!(
        text.contains("typed-again"),
        "the draft test did not reach the listener: {text}"
    );
}

#[test]
fn a_sqlite_service_cannot_open_the_gateway_files() {
    let root = tempfile::tempdir().expect("tempdir");
    let data = root.path().join("data");
    let gw = Gateway::start(&data, &[]);
    for path in [
        data.join("gateway.db").display().to_string(),
        data.join("admin-token").display().to_string(),
        "../gateway.db".to_string(),
        data.join("sqlite/../gateway.db").display().to_string(),
    ] {
        let (s, v) = gw.api(
            "POST",
            "/services/test",
            Some(json!({"service_type": "sqlite", "config": {"path": path}})),
        );
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["data"]["connected"], json!(false), "{path}: {v}");
        let id = gw.service(&format!("s{}", path.len()), "sqlite", json!({"path": path}));
        let (s, v) = gw.api("POST", &format!("/services/{id}/activate"), None);
        assert!(matches!(s, 400 | 503), "{path}: {s} {v}");
        assert!(
            v["error"].as_str().is_some_and(|e| e.contains("data dir")),
            "{v}"
        );
    }
    // A relative path lives in the data dir's sqlite/ folder.
    let id = gw.service("own", "sqlite", json!({"path": "own.db"}));
    gw.activate(&id);
    // A file outside the data dir is fine.
    let outside = root.path().join("outside.db");
    let id = gw.service(
        "out",
        "sqlite",
        json!({"path": outside.display().to_string()}),
    );
    gw.activate(&id);
}

const ATTACHER: &str = "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(ctx: &Context, req: Request) -> Result<Response, HandlerError> {\n    let db = ctx.database(\"db\").await?;\n    let sql = req.query_param(\"sql\").cloned().unwrap_or_default();\n    let n = db.execute(&sql, &[]).await?;\n    Ok(Response::ok(json!({ \"affected\": n })))\n}\n";

#[test]
fn a_handler_cannot_attach_the_config_store_through_sqlite() {
    let root = tempfile::tempdir().expect("tempdir");
    let data = root.path().join("data");
    let gw = Gateway::start(&data, &[]);
    let id = gw.service("lite", "sqlite", json!({"path": "own.db"}));
    gw.activate(&id);
    gw.handler("/sql", ATTACHER, &[(&id, "db")]);
    let store = data.join("gateway.db").display().to_string();
    let copy = root.path().join("copy.db").display().to_string();
    for sql in [
        format!("ATTACH DATABASE '{store}' AS cfg"),
        format!("VACUUM INTO '{copy}'"),
    ] {
        let q: String = url_escape(&sql);
        let r = gw.get(&format!("/sql?sql={q}"));
        assert!(r.status >= 400, "{sql}: {}", r.status);
        assert!(
            String::from_utf8_lossy(&r.body).contains("refused"),
            "{sql}: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
    assert!(!root.path().join("copy.db").exists());
    let r = gw.get(&format!(
        "/sql?sql={}",
        url_escape("CREATE TABLE t (x INTEGER)")
    ));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
