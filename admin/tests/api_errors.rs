//! Error cases of the management API, all in the envelope; token enforcement; refusal to
//! expose the admin API without a token.

mod support;

use std::process::Command;

use serde_json::{json, Value};
use support::Gateway;

#[test]
fn validation_unknown_ids_and_routes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let bad = [
        json!({"name": "x", "path": "/a", "method": "FETCH", "domain": "*"}),
        json!({"name": "x", "path": "no-slash", "method": "GET", "domain": "*"}),
        json!({"name": "", "path": "/a", "method": "GET", "domain": "*"}),
        json!({"name": "x", "path": "/a/{}", "method": "GET", "domain": "*"}),
        json!({"name": "x", "path": "/a", "method": "GET", "domain": "*", "dependencies": {"evil": {"path": "/etc"}}}),
        json!({"name": "x", "path": "/a", "method": "GET"}),
    ];
    for body in bad {
        let (s, v) = gw.api("POST", "/endpoints", Some(body.clone()));
        assert_eq!((s, &v["ok"]), (400, &Value::Bool(false)), "{body} -> {v}");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    let (s, v) = gw.raw_api("POST", "/endpoints", None, &gw.auth());
    assert_eq!((s, &v["ok"]), (400, &Value::Bool(false)), "empty body: {v}");
    for (m, p) in [
        ("GET", "/endpoints/nope"),
        ("PUT", "/endpoints/nope"),
        ("DELETE", "/endpoints/nope"),
        ("POST", "/endpoints/nope/compile"),
        ("POST", "/endpoints/nope/start"),
        ("POST", "/endpoints/nope/stop"),
    ] {
        let (s, v) = gw.api(m, p, Some(json!({})));
        assert_eq!((s, &v["ok"]), (404, &Value::Bool(false)), "{m} {p}: {v}");
    }
    let (s, v) = gw.api("GET", "/no/such/route", None);
    assert_eq!((s, &v["ok"]), (404, &Value::Bool(false)));
    // Starting before compiling is a clear 400.
    let id = gw.create("later", "GET", "/later", None);
    let (s, v) = gw.api("POST", &format!("/endpoints/{id}/start"), None);
    assert_eq!(s, 400, "{v}");
    assert!(v["error"].as_str().is_some_and(|e| e.contains("compile")));
    // Partial update keeps the other fields; list filters work.
    let (s, v) = gw.api(
        "PUT",
        &format!("/endpoints/{id}"),
        Some(json!({"description": "d", "enabled": false})),
    );
    assert_eq!(s, 200);
    assert_eq!(
        (
            v["data"]["path"].as_str(),
            v["data"]["description"].as_str(),
            v["data"]["enabled"].as_bool()
        ),
        (Some("/later"), Some("d"), Some(false))
    );
    let (_, all) = gw.api("GET", "/endpoints?enabled=false", None);
    assert_eq!(all["data"].as_array().map(Vec::len), Some(1));
    let (_, none) = gw.api("GET", "/endpoints?enabled=true", None);
    assert_eq!(none["data"].as_array().map(Vec::len), Some(0));
}

#[test]
fn admin_token_is_enforced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &["--admin-token", "s3cret"]);
    let (s, v) = gw.raw_api("GET", "/endpoints", None, "");
    assert_eq!((s, &v["ok"]), (401, &Value::Bool(false)));
    let (s, _) = gw.raw_api("GET", "/endpoints", None, "Authorization: Bearer wrong\r\n");
    assert_eq!(s, 401);
    let (s, v) = gw.api("GET", "/endpoints", None);
    assert_eq!((s, &v["ok"]), (200, &Value::Bool(true)));
    // Health stays open.
    let (s, v) = gw.raw_api("GET", "/health", None, "");
    assert_eq!((s, &v["ok"]), (200, &Value::Bool(true)));
}

#[test]
fn an_open_admin_api_on_a_public_address_refuses_to_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .args([
            "--admin-auth",
            "none",
            "--admin-addr",
            "0.0.0.0:0",
            "--gateway-addr",
            "127.0.0.1:0",
            "--tls-addr",
            "127.0.0.1:0",
            "--data-dir",
        ])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loopback address only"), "{err}");
}
