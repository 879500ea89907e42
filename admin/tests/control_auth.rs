//! Locked by default: a fresh gateway generates its admin token, keeps it private in the data
//! dir, and every management route needs it; health stays open; `/metrics` also takes a
//! read-only token; the CLI finds the token by itself; the data dir and its files are
//! private; a corrupt store is an error naming the file.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use rust_edge_gateway_tests::http::Conn;
use serde_json::{json, Value};
use support::Gateway;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Every management route, with a method it answers.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/stats"),
    ("GET", "/api/domains"),
    ("POST", "/api/domains"),
    ("GET", "/api/domains/x"),
    ("PUT", "/api/domains/x"),
    ("DELETE", "/api/domains/x"),
    ("GET", "/api/domains/x/collections"),
    ("GET", "/api/collections"),
    ("POST", "/api/collections"),
    ("GET", "/api/collections/x"),
    ("PUT", "/api/collections/x"),
    ("DELETE", "/api/collections/x"),
    ("GET", "/api/collections/x/endpoints"),
    ("GET", "/api/endpoints"),
    ("POST", "/api/endpoints"),
    ("GET", "/api/endpoints/x"),
    ("PUT", "/api/endpoints/x"),
    ("DELETE", "/api/endpoints/x"),
    ("POST", "/api/endpoints/x/compile"),
    ("POST", "/api/endpoints/x/start"),
    ("POST", "/api/endpoints/x/stop"),
    ("GET", "/api/endpoints/x/logs"),
    ("POST", "/api/endpoints/x/try"),
    ("GET", "/api/endpoints/x/services"),
    ("POST", "/api/endpoints/x/services"),
    ("DELETE", "/api/endpoints/x/services/y"),
    ("GET", "/api/templates/handler"),
    ("POST", "/api/import/openapi"),
    (
        "POST",
        "/api/import/bundle?domain=*&compile=true&start=true",
    ),
    ("GET", "/api/services"),
    ("POST", "/api/services"),
    ("GET", "/api/services/x"),
    ("PUT", "/api/services/x"),
    ("DELETE", "/api/services/x"),
    ("POST", "/api/services/x/activate"),
    ("POST", "/api/services/x/deactivate"),
    ("POST", "/api/services/x/test"),
    ("POST", "/api/services/test"),
    ("GET", "/api/services/x/endpoints"),
    ("GET", "/api/minio/objects"),
    ("POST", "/api/minio/objects"),
    ("GET", "/api/minio/objects/k"),
    ("DELETE", "/api/minio/objects/k"),
    ("GET", "/metrics"),
];

fn call(gw: &Gateway, method: &str, path: &str, auth: &str) -> u16 {
    let raw = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    Conn::open(gw.admin)
        .send(raw.as_bytes())
        .reply()
        .expect("admin reply")
        .status
}

#[test]
fn a_fresh_gateway_is_locked_with_a_generated_private_token() {
    let root = tempfile::tempdir().expect("tempdir");
    let data = root.path().join("data");
    let gw = Gateway::start(&data, &["--metrics-token", "scrape-only"]);
    let token = gw.token.clone().expect("generated token");
    assert_eq!(token.len(), 64, "{token}");

    // Private files: the data dir, the token, the store and its journal.
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("admin-token")), 0o600);
    for f in std::fs::read_dir(&data).expect("data dir").flatten() {
        let meta = f.metadata().expect("meta");
        let want = if meta.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&f.path()), want, "{}", f.path().display());
    }

    for (m, p) in ROUTES {
        assert_eq!(call(&gw, m, p, ""), 401, "{m} {p} without a token");
        assert_eq!(
            call(&gw, m, p, "Authorization: Bearer not-the-token\r\n"),
            401,
            "{m} {p} with a wrong token"
        );
        // The read-only metrics token opens /metrics and nothing else.
        let with_metrics_token = call(&gw, m, p, "Authorization: Bearer scrape-only\r\n");
        if *p == "/metrics" {
            assert_eq!(with_metrics_token, 200);
        } else {
            assert_eq!(with_metrics_token, 401, "{m} {p} with the metrics token");
        }
        assert_ne!(call(&gw, m, p, &gw.auth()), 401, "{m} {p} with the token");
    }
    // Health stays open, and says the restore is done.
    let (s, v) = gw.raw_api("GET", "/health", None, "");
    assert_eq!(
        (s, &v["data"]["restore"]["done"]),
        (200, &json!(true)),
        "{v}"
    );

    // The CLI reads the token from the data dir by itself.
    let id = gw.create("cli", "GET", "/cli", None);
    let out = Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .args(["--admin-url", &format!("http://{}", gw.admin), "--data-dir"])
        .arg(&data)
        .args(["endpoint", "list"])
        .env_remove("REG_ADMIN_TOKEN")
        .output()
        .expect("cli");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(&id),
        "cli: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Elsewhere (another data dir, no token) the CLI gets the API's 401, said plainly.
    let other = root.path().join("other");
    let out = Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .args(["--admin-url", &format!("http://{}", gw.admin), "--data-dir"])
        .arg(&other)
        .args(["endpoint", "list"])
        .env_remove("REG_ADMIN_TOKEN")
        .output()
        .expect("cli");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("token"));

    // The token survives a restart.
    drop(gw);
    let gw = Gateway::start(&data, &[]);
    assert_eq!(gw.token.as_deref(), Some(token.as_str()));
}

#[test]
fn an_explicit_token_or_an_open_api_on_loopback() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &["--admin-token", "given"]);
    assert!(!dir.path().join("admin-token").exists());
    assert_eq!(call(&gw, "GET", "/api/endpoints", ""), 401);
    assert_eq!(
        call(
            &gw,
            "GET",
            "/api/endpoints",
            "Authorization: Bearer given\r\n"
        ),
        200
    );
    drop(gw);
    let gw = Gateway::start(dir.path(), &["--admin-auth", "none"]);
    let (s, v) = gw.api("GET", "/endpoints", None);
    assert_eq!((s, &v["ok"]), (200, &Value::Bool(true)));
}

#[test]
fn a_corrupt_store_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("gateway.db"),
        b"this is not an SQLite database, it is a text file".repeat(200),
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .args([
            "--gateway-addr",
            "127.0.0.1:0",
            "--tls-addr",
            "127.0.0.1:0",
            "--admin-addr",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&dir.path().join("gateway.db").display().to_string()),
        "{err}"
    );
}
