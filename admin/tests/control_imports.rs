//! Imported documents are data, never code: hostile OpenAPI documents and bundles carry Rust
//! items (an `.init_array` constructor that writes a file, code breaking out of a string or
//! a comment) in every field the import reads. Paths and names with control characters are
//! refused before anything is created; every other string reaches the generated stubs only
//! as an escaped literal, so compiling and starting them runs nothing, and the stub answers
//! with the hostile text as plain data.

mod support;

use std::path::Path;

use serde_json::{json, Value};
use support::{zip, Gateway};

/// Rust items that, pasted as code, would run at load time and write `marker`.
fn payload(marker: &Path) -> String {
    format!(
        "#[used] #[link_section = \".init_array\"] static PWN: extern \"C\" fn() = {{ extern \"C\" fn f() {{ let _ = std::fs::write({:?}, b\"pwned\"); }} f }};",
        marker.display().to_string()
    )
}

fn endpoint_count(gw: &Gateway) -> usize {
    gw.api("GET", "/endpoints", None).1["data"]
        .as_array()
        .map_or(0, Vec::len)
}

fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).expect("json string is a YAML string")
}

#[test]
fn hostile_openapi_documents_run_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("PWNED");
    let gw = Gateway::start(&dir.path().join("data"), &[]);
    let evil = payload(&marker);

    // Paths and names that carry a line break (or any control character) are refused,
    // naming the operation, and nothing is created.
    for path in [
        format!("/x\n{evil}\n///"),
        format!("/x\r{evil}"),
        "/x\u{0}y".to_string(),
    ] {
        let spec = format!(
            "openapi: 3.0.3\ninfo:\n  title: T\npaths:\n  /fine:\n    get: {{}}\n  {}:\n    get:\n      operationId: ok\n",
            yaml_str(&path)
        );
        let (s, v) = gw.api(
            "POST",
            "/import/openapi",
            Some(json!({"spec": spec, "domain": "*"})),
        );
        assert_eq!(s, 400, "{path:?}: {v}");
        assert!(
            v["error"]
                .as_str()
                .is_some_and(|e| e.contains("control character")),
            "{v}"
        );
        assert_eq!(endpoint_count(&gw), 0, "nothing created for {path:?}");
    }
    for op_id in [format!("x\n{evil}"), "a\u{1b}[31m".to_string()] {
        let spec = format!(
            "openapi: 3.0.3\ninfo:\n  title: T\npaths:\n  /ok:\n    get:\n      operationId: {}\n",
            yaml_str(&op_id)
        );
        let (s, v) = gw.api(
            "POST",
            "/import/openapi",
            Some(json!({"spec": spec, "domain": "*"})),
        );
        assert_eq!(s, 400, "{op_id:?}: {v}");
    }
    let spec = format!(
        "openapi: 3.0.3\ninfo:\n  title: {}\npaths:\n  /ok:\n    get: {{}}\n",
        yaml_str(&format!("T\n{evil}"))
    );
    let (s, _) = gw.api(
        "POST",
        "/import/openapi",
        Some(json!({"spec": spec, "domain": "*"})),
    );
    assert_eq!(s, 400, "title with a line break");
    assert_eq!(endpoint_count(&gw), 0);

    // Texts that may hold anything (summary, description, operationId without control
    // characters, parameter names, the title's description) are imported as data.
    let break_out = format!("\"}}))}} {evil} fn g() {{ (\"");
    let spec = format!(
        "openapi: 3.0.3\ninfo:\n  title: Hostile\n  description: {desc}\npaths:\n  /s/{{id}}:\n    parameters:\n      - name: {param}\n        in: query\n    get:\n      operationId: {opid}\n      summary: {summary}\n      description: {desc}\n  /d:\n    post:\n      description: {desc}\n",
        desc = yaml_str(&format!("*/ {evil}\n/* \\\" \\u{{0}} ")),
        param = yaml_str(&break_out),
        opid = yaml_str(&break_out),
        summary = yaml_str(&format!("{evil}\n#![no_std]\n")),
    );
    let (s, v) = gw.api(
        "POST",
        "/import/openapi",
        Some(json!({"spec": spec, "domain": "*"})),
    );
    assert_eq!(s, 200, "{v}");
    let ids: Vec<String> = v["data"]["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    for id in &ids {
        gw.deploy(id);
    }
    let r = gw.get("/s/1");
    assert_eq!(r.status, 501);
    assert_eq!(r.json()["operation"], Value::String(break_out.clone()));
    assert!(!marker.exists(), "an imported document ran code");
}

#[test]
fn hostile_bundles_run_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("PWNED");
    let gw = Gateway::start(&dir.path().join("data"), &[]);
    let evil = payload(&marker);
    let spec = "openapi: 3.0.3\ninfo:\n  title: B\npaths:\n  /b:\n    get:\n      operationId: b\n";

    // bundle.yaml routes whose path or handler name carries a line break; a file name with a
    // control character: refused, nothing created.
    for manifest in [
        format!(
            "routes:\n  - method: GET\n    path: {}\n    handler: h\n",
            yaml_str(&format!("/r\n{evil}"))
        ),
        format!(
            "routes:\n  - method: GET\n    path: /r\n    handler: {}\n",
            yaml_str(&format!("h\n{evil}"))
        ),
        format!(
            "routes:\n  - method: {}\n    path: /r\n    handler: h\n",
            yaml_str(&format!("GET\n{evil}"))
        ),
    ] {
        let bundle = zip(&[("openapi.yaml", spec), ("bundle.yaml", &manifest)]);
        let (s, v) = gw.upload_bundle("domain=*&compile=true&start=true", &bundle);
        assert_eq!(s, 400, "{manifest}: {v}");
        assert_eq!(endpoint_count(&gw), 0);
    }
    let bundle = zip(&[("openapi.yaml", spec), ("handlers/b\n.rs", "fn x() {}")]);
    let (s, v) = gw.upload_bundle("domain=*&compile=true&start=true", &bundle);
    assert_eq!(s, 400, "{v}");
    assert_eq!(endpoint_count(&gw), 0);

    // A route's handler name that is only odd text is data: the unmatched route gets a stub
    // that compiles, starts and answers with the name.
    let odd = format!("x\"}})) }} {evil} fn y() {{ (\"");
    let manifest = format!(
        "routes:\n  - method: GET\n    path: /odd\n    handler: {}\n",
        yaml_str(&odd)
    );
    let bundle = zip(&[("openapi.yaml", spec), ("bundle.yaml", &manifest)]);
    let (s, v) = gw.upload_bundle("domain=*&compile=true&start=true", &bundle);
    assert_eq!((s, &v["data"]["started"]), (200, &json!(2)), "{v}");
    let r = gw.get("/odd");
    assert_eq!((r.status, r.json()["operation"].clone()), (501, json!(odd)));
    assert!(!marker.exists(), "an imported bundle ran code");
}
