//! Per-endpoint variables and secrets: read by a compiled handler (`ctx.var` in async
//! handlers, `rust_edge_gateway_sdk::var` in synchronous ones), secrets masked on every read,
//! changed on a running endpoint under load with no failed request and no recompile, names
//! checked, and set from the CLI (`--var K=V`, `--secret K` from the environment).

mod support;

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::Gateway;

const ASYNC_READER: &str = "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(ctx: &Context, _req: Request) -> Response {\n    Response::ok(json!({\n        \"greeting\": ctx.var(\"GREETING\"),\n        \"key_len\": ctx.var(\"API_KEY\").map(|k| k.len()),\n        \"missing\": ctx.var(\"NOPE\"),\n    }))\n}\n";

const SYNC_READER: &str = "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub fn handle(_req: Request) -> Response {\n    Response::ok(json!({ \"greeting\": rust_edge_gateway_sdk::var(\"GREETING\") }))\n}\n";

#[test]
fn variables_and_secrets_reach_handlers_masked_and_live() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(&dir.path().join("data"), &[]);
    let (s, v) = gw.api(
        "POST",
        "/endpoints",
        Some(json!({"name": "vars", "path": "/vars", "method": "GET", "domain": "*", "code": ASYNC_READER,
            "variables": {"GREETING": "hello"}, "secrets": {"API_KEY": "s3cr3t-value"}})),
    );
    assert_eq!(s, 200, "{v}");
    let id = v["data"]["id"].as_str().expect("id").to_string();
    assert_eq!(v["data"]["variables"], json!({"GREETING": "hello"}));
    assert_eq!(v["data"]["secrets"], json!({"API_KEY": "********"}));
    for (_, body) in [
        gw.api("GET", &format!("/endpoints/{id}"), None),
        gw.api("GET", "/endpoints", None),
    ] {
        assert!(!body.to_string().contains("s3cr3t-value"), "{body}");
    }
    gw.deploy(&id);
    assert_eq!(
        gw.get("/vars").json(),
        json!({"greeting": "hello", "key_len": 12, "missing": null})
    );
    let sync = gw.create("sync", "GET", "/sync", Some(SYNC_READER));
    let (s, _) = gw.api(
        "PUT",
        &format!("/endpoints/{sync}"),
        Some(json!({"variables": {"GREETING": "from a sync handler"}})),
    );
    assert_eq!(s, 200);
    gw.deploy(&sync);
    assert_eq!(gw.get("/sync").json()["greeting"], "from a sync handler");

    // Changed while requests keep coming: none fails, the new value shows, nothing recompiled.
    let (_, before) = gw.api("GET", &format!("/endpoints/{id}"), None);
    let stop = Arc::new(AtomicBool::new(false));
    let (done, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let addr = gw.gateway;
    let load: Vec<_> = (0..4)
        .map(|_| {
            let (stop, done, failed) = (stop.clone(), done.clone(), failed.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let r = rust_edge_gateway_tests::http::Conn::open(addr)
                        .send(b"GET /vars HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .reply();
                    match r {
                        Some(r) if r.status == 200 => done.fetch_add(1, Ordering::Relaxed),
                        _ => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let (s, v) = gw.api(
        "PUT",
        &format!("/endpoints/{id}"),
        Some(json!({"variables": {"GREETING": "changed"}, "secrets": {"API_KEY": "********", "EXTRA": "x"}})),
    );
    assert_eq!(s, 200, "{v}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while gw.get("/vars").json()["greeting"] != "changed" {
        assert!(Instant::now() < deadline, "the new value never showed");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for t in load {
        t.join().expect("load thread");
    }
    assert_eq!(failed.load(Ordering::Relaxed), 0);
    assert!(
        done.load(Ordering::Relaxed) > 50,
        "{}",
        done.load(Ordering::Relaxed)
    );
    // The masked API_KEY kept its value; no recompile, no new deploy.
    assert_eq!(gw.get("/vars").json()["key_len"], 12);
    let (_, after) = gw.api("GET", &format!("/endpoints/{id}"), None);
    assert_eq!(after["data"]["version"], before["data"]["version"]);
    assert_eq!(after["data"]["deployed"], before["data"]["deployed"]);
    assert_eq!(
        after["data"]["secrets"],
        json!({"API_KEY": "********", "EXTRA": "********"})
    );

    // Names are checked.
    for bad in [
        json!({"variables": {"1X": "v"}}),
        json!({"variables": {"A-B": "v"}}),
        json!({"variables": {"SAME": "v"}, "secrets": {"SAME": "w"}}),
    ] {
        let (s, v) = gw.api("PUT", &format!("/endpoints/{id}"), Some(bad.clone()));
        assert_eq!(s, 400, "{bad}: {v}");
    }

    // The CLI: --var K=V and --secret K (value from the environment, never the command line).
    let file = dir.path().join("h.rs");
    std::fs::write(&file, ASYNC_READER).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .args([
            "endpoint",
            "deploy",
            "--path",
            "/cli-vars",
            "--var",
            "GREETING=from the cli",
            "--secret",
            "API_KEY",
        ])
        .arg(&file)
        .env("REG_ADMIN_URL", format!("http://{}", gw.admin))
        .env("REG_DATA_DIR", &gw.data_dir)
        .env("API_KEY", "four")
        .output()
        .expect("cli");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = gw.get("/cli-vars").json();
    assert_eq!(
        v,
        json!({"greeting": "from the cli", "key_len": 4, "missing": null})
    );
}
