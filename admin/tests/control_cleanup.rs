//! Identifiers and files: a new endpoint never reuses a deleted endpoint's scope (so never
//! inherits its logs or bindings); deleting an endpoint removes its crate, build artifacts,
//! logs and libraries; `libs/` keeps only what a draft build or a deployed version uses.

mod support;

use std::path::Path;

use serde_json::json;
use support::{versioned_code, Gateway};

const NOISY: &str = "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(_ctx: &Context, _req: Request) -> Response {\n    println!(\"printed by the first endpoint\");\n    Response::ok(json!({ \"first\": true }))\n}\n";

fn libraries(data: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(data.join("libs"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".so"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_deleted_endpoint_leaves_nothing_behind_and_its_scope_is_never_reused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let gw = Gateway::start(&data, &[]);
    let first = gw.create("first", "GET", "/first", Some(NOISY));
    let svc = gw.service("kv-first", "sqlite", json!({"path": "first.db"}));
    gw.bind(&first, &svc, "db");
    gw.deploy(&first);
    assert_eq!(gw.get("/first").status, 200);
    let (_, logs) = gw.api("GET", &format!("/endpoints/{first}/logs"), None);
    assert!(
        logs.to_string().contains("printed by the first endpoint"),
        "{logs}"
    );
    assert_eq!(libraries(&data).len(), 1);
    let krate = format!("handler_{}", first.replace('-', "_"));
    let built = support::build_dir().join(format!("release/lib{krate}.so"));
    assert!(built.is_file(), "{}", built.display());

    let (s, _) = gw.api("DELETE", &format!("/endpoints/{first}"), None);
    assert_eq!(s, 200);
    assert!(!data.join("handlers").join(&first).exists(), "crate left");
    assert!(!built.exists(), "build artifact left");
    assert_eq!(libraries(&data), Vec::<String>::new(), "library left");
    assert_eq!(gw.get("/first").status, 404);

    // The next endpoint gets a fresh scope: none of the first one's logs or bindings.
    let second = gw.create("second", "GET", "/second", Some(&versioned_code(2)));
    let (_, logs) = gw.api("GET", &format!("/endpoints/{second}/logs"), None);
    assert_eq!(logs["data"], json!([]), "inherited logs: {logs}");
    let (_, bindings) = gw.api("GET", &format!("/endpoints/{second}/services"), None);
    assert_eq!(
        bindings["data"],
        json!([]),
        "inherited bindings: {bindings}"
    );
    // Also after a restart (the counter is in the store).
    drop(gw);
    let gw = Gateway::start(&data, &[]);
    let third = gw.create("third", "GET", "/third", Some(&versioned_code(3)));
    let (_, logs) = gw.api("GET", &format!("/endpoints/{third}/logs"), None);
    assert_eq!(logs["data"], json!([]));
}

#[test]
fn libs_keep_only_the_deployed_version_and_the_draft_build() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let gw = Gateway::start(&data, &[]);
    let id = gw.create("grow", "GET", "/grow", Some(&versioned_code(0)));
    for v in 1..=8 {
        let (s, _) = gw.api(
            "PUT",
            &format!("/endpoints/{id}"),
            Some(json!({"code": versioned_code(v)})),
        );
        assert_eq!(s, 200);
        gw.deploy(&id);
        assert_eq!(gw.get("/grow").json()["v"], v);
        assert_eq!(libraries(&data).len(), 1, "after deploy {v}");
    }
    // A compiled, not deployed draft: two libraries, both in use.
    gw.api(
        "PUT",
        &format!("/endpoints/{id}"),
        Some(json!({"code": versioned_code(9)})),
    );
    let (s, _) = gw.api("POST", &format!("/endpoints/{id}/compile"), None);
    assert_eq!(s, 200);
    assert_eq!(libraries(&data).len(), 2);
    assert_eq!(gw.get("/grow").json()["v"], 8);
    let (s, _) = gw.api("POST", &format!("/endpoints/{id}/start"), None);
    assert_eq!(s, 200);
    assert_eq!(gw.get("/grow").json()["v"], 9);
    assert_eq!(libraries(&data).len(), 1);
}
