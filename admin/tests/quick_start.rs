//! The product docs' Quick Start against the real binary: create, compile, deploy, curl; then the
//! lifecycle around it: hot swap on a new version, a compile error reported at the user's
//! line with the old version still serving, stop, delete, restart restore.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{versioned_code, Gateway};

#[test]
fn quick_start_then_swap_compile_error_stop_delete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let (s, v) = gw.api("GET", "/health", None);
    assert_eq!(
        (s, &v["data"]["status"], &v["data"]["version"]),
        (200, &json!("healthy"), &json!("0.1.0")),
        "{v}"
    );

    // Steps 2-6: create with the default hello code, compile, deploy, curl.
    let id = gw.create("hello-world", "GET", "/hello", None);
    let (_, e) = gw.api("GET", &format!("/endpoints/{id}"), None);
    assert_eq!(e["data"]["status"], "created");
    assert!(e["data"]["code"]
        .as_str()
        .is_some_and(|c| c.contains("#[handler]")));
    let started = Instant::now();
    gw.deploy(&id);
    let cold = started.elapsed();
    let r = gw.get("/hello");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"message": "Hello from Rust Edge Gateway!", "path": "/hello", "method": "GET"})
    );
    let (_, e) = gw.api("GET", &format!("/endpoints/{id}"), None);
    assert_eq!(e["data"]["status"], "running");

    // Edit to live: new code, compile, start (hot swap), first 200.
    let started = Instant::now();
    let (s, _) = gw.api(
        "PUT",
        &format!("/endpoints/{id}"),
        Some(json!({"code": versioned_code(2)})),
    );
    assert_eq!(s, 200);
    assert_eq!(
        gw.get("/hello").json()["message"],
        "Hello from Rust Edge Gateway!",
        "old code serves until started"
    );
    gw.deploy(&id);
    assert_eq!(gw.get("/hello").json()["v"], 2);
    let warm = started.elapsed();
    eprintln!("edit-to-live: first deploy {} ms (cold if the build dir was empty), edit+compile+swap+200 {} ms", cold.as_millis(), warm.as_millis());

    // A compile error: the user's line in the diagnostics, the running version untouched.
    let broken = "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(_ctx: &Context, _req: Request) -> Response {\n    let n: u32 = \"not a number\";\n    Response::ok(json!({ \"n\": n }))\n}\n";
    gw.api(
        "PUT",
        &format!("/endpoints/{id}"),
        Some(json!({"code": broken})),
    );
    let (s, v) = gw.api("POST", &format!("/endpoints/{id}/compile"), None);
    assert_eq!((s, &v["ok"]), (422, &Value::Bool(false)), "{v}");
    let diag = v["error"].as_str().unwrap_or_default();
    assert!(
        diag.contains("src/lib.rs:5:"),
        "diagnostics point at the user's line 5: {diag}"
    );
    assert!(diag.contains("mismatched types"), "{diag}");
    assert_eq!(
        gw.get("/hello").json()["v"],
        2,
        "the previous version keeps serving"
    );
    let (_, e) = gw.api("GET", &format!("/endpoints/{id}"), None);
    assert_eq!(e["data"]["status"], "running");
    assert!(e["data"]["last_error"]
        .as_str()
        .is_some_and(|m| m.contains("mismatched types")));

    // Stats, stop, delete.
    let (_, st) = gw.api("GET", "/stats", None);
    assert_eq!(
        (
            st["data"]["endpoints_total"].as_u64(),
            st["data"]["endpoints_running"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let (s, v) = gw.api("POST", &format!("/endpoints/{id}/stop"), None);
    assert_eq!(
        (s, &v["data"]["status"]),
        (200, &Value::String("stopped".into()))
    );
    assert_eq!(gw.get("/hello").status, 404);
    let (s, _) = gw.api("DELETE", &format!("/endpoints/{id}"), None);
    assert_eq!(s, 200);
    let (s, v) = gw.api("GET", &format!("/endpoints/{id}"), None);
    assert_eq!((s, &v["ok"]), (404, &Value::Bool(false)));
}

#[test]
fn running_endpoints_serve_again_after_kill_9() {
    let dir = tempfile::tempdir().expect("tempdir");
    let id = {
        let gw = Gateway::start(dir.path(), &[]);
        let id = gw.create("v7", "GET", "/items/{id}", Some(&versioned_code(7)));
        gw.deploy(&id);
        assert_eq!(gw.get("/items/1").json()["v"], 7);
        // A draft saved and compiled but never started changes nothing that serves, now
        // or after the kill below.
        let (s, v) = gw.api(
            "PUT",
            &format!("/endpoints/{id}"),
            Some(json!({"code": versioned_code(8)})),
        );
        assert_eq!(s, 200, "{v}");
        let (s, v) = gw.api("POST", &format!("/endpoints/{id}/compile"), None);
        assert_eq!((s, &v["data"]["version"]), (200, &json!(2)), "{v}");
        assert_eq!(gw.get("/items/1").json()["v"], 7);
        let (_, e) = gw.api("GET", &format!("/endpoints/{id}"), None);
        assert_eq!(
            (
                &e["data"]["deployed"]["version"],
                &e["data"]["version"],
                &e["data"]["draft_compiled"]
            ),
            (&json!(1), &json!(2), &json!(true)),
            "{e}"
        );
        id
        // dropped: SIGKILL, no chance to clean up
    };
    let gw = Gateway::start(dir.path(), &[]);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = gw.get("/items/2");
        if r.status == 200 {
            assert_eq!(r.json(), json!({"v": 7, "path": "/items/2"}));
            break;
        }
        assert!(Instant::now() < deadline, "not restored: {}", r.status);
        std::thread::sleep(Duration::from_millis(100));
    }
    let (_, e) = gw.api("GET", &format!("/endpoints/{id}"), None);
    assert_eq!(e["data"]["status"], "running");
    drop(gw);

    // A library built by another gateway (different ABI fingerprint) is rebuilt at boot.
    let db = dir.path().join("gateway.db");
    let status = std::process::Command::new("python3")
        .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"update endpoints set library_fingerprint='from-another-build', deployed_fingerprint='from-another-build'\"); c.commit()"])
        .arg(&db)
        .status()
        .expect("python3");
    assert!(status.success());
    let gw = Gateway::start(dir.path(), &[]);
    let deadline = Instant::now() + Duration::from_secs(300);
    while gw.get("/items/3").status != 200 {
        assert!(Instant::now() < deadline, "not rebuilt and restored");
        std::thread::sleep(Duration::from_millis(200));
    }
    // The boot rebuild rebuilt the deployed code (v7), not the draft (v8).
    assert_eq!(gw.get("/items/3").json()["v"], 7);
    let (_, e) = gw.api("GET", &format!("/endpoints/{id}"), None);
    assert_eq!(
        (
            e["data"]["status"].as_str(),
            e["data"]["deployed"]["version"].as_i64(),
            e["data"]["draft_compiled"].as_bool()
        ),
        (Some("running"), Some(1), Some(false)),
        "recompiled: {e}"
    );
    // The draft's build came from another ABI: start asks for a compile first (409); after
    // it, start deploys v8.
    let (s, v) = gw.api("POST", &format!("/endpoints/{id}/start"), None);
    assert_eq!(s, 409, "{v}");
    gw.deploy(&id);
    assert_eq!(gw.get("/items/4").json()["v"], 8);
    let (_, h) = gw.api("GET", "/health", None);
    assert_eq!(h["data"]["restore"]["done"], json!(true), "{h}");
}
