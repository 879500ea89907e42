//! Configuration as code: `export` from one gateway, `apply` to a fresh one, and the second
//! gateway serves the same endpoints (deployed code serving, drafts kept apart, bindings,
//! collections), exports the same document, and a second apply changes nothing. Secrets
//! travel only through the environment variables the document names; a dry run changes
//! nothing; `--prune` deletes what the document does not name.

mod support;

use std::process::{Command, Output};

use rust_edge_gateway_tests::http::Conn;
use serde_json::{json, Value};
use support::{versioned_code, Gateway};

fn cli(gw: &Gateway, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .args(args)
        .env("REG_ADMIN_URL", format!("http://{}", gw.admin))
        .env("REG_DATA_DIR", &gw.data_dir)
        .env_remove("REG_ADMIN_TOKEN")
        .envs(env.iter().copied())
        .output()
        .expect("run the client")
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn export(gw: &Gateway, file: &std::path::Path) -> Value {
    ok(&cli(
        gw,
        &["export", "--out", file.to_str().expect("utf-8")],
        &[],
    ));
    let text = std::fs::read_to_string(file).expect("exported file");
    serde_yaml_ng::from_str(&text).expect("YAML")
}

fn get_on(gw: &Gateway, host: &str, path: &str) -> (u16, Value) {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let r = Conn::open(gw.gateway)
        .send(raw.as_bytes())
        .reply()
        .expect("reply");
    (
        r.status,
        serde_json::from_slice(&r.body).unwrap_or(Value::Null),
    )
}

#[test]
fn export_then_apply_reproduces_a_gateway_and_a_second_apply_changes_nothing() {
    let root = tempfile::tempdir().expect("tempdir");
    let a = Gateway::start(&root.path().join("a"), &[]);
    let (_, d) = a.api(
        "POST",
        "/domains",
        Some(json!({"name": "Pets", "host": "pets.example.com", "hsts_max_age": 600})),
    );
    let domain = d["data"]["id"].as_str().expect("domain").to_string();
    let (_, c) = a.api(
        "POST",
        "/collections",
        Some(json!({"domain_id": domain, "name": "v1", "base_path": "/v1"})),
    );
    let collection = c["data"]["id"].as_str().expect("collection").to_string();
    let lite = a.service("lite", "sqlite", json!({"path": "lite.db"}));
    a.activate(&lite);
    a.service(
        "cache",
        "redis",
        json!({"host": "127.0.0.1", "port": 6379, "password": "exported-never"}),
    );

    // Serving v1 with a compiled-but-not-deployed v2 draft.
    let hello = a.create("hello", "GET", "/hello", Some(&versioned_code(1)));
    a.deploy(&hello);
    a.api(
        "PUT",
        &format!("/endpoints/{hello}"),
        Some(
            json!({"code": versioned_code(2), "variables": {"GREETING": "hi"},
            "secrets": {"API_KEY": "endpoint-secret-value"}}),
        ),
    );
    // In a collection, bound to a service.
    let (s, v) = a.api(
        "POST",
        "/endpoints",
        Some(
            json!({"name": "items", "path": "/items", "method": "GET", "domain": "pets.example.com",
            "collection_id": collection, "code": versioned_code(7)}),
        ),
    );
    assert_eq!(s, 200, "{v}");
    let items = v["data"]["id"].as_str().expect("id").to_string();
    a.bind(&items, &lite, "db");
    a.deploy(&items);
    // Never deployed.
    a.create("later", "POST", "/later", Some(&versioned_code(9)));

    let file_a = root.path().join("a.yaml");
    let doc = export(&a, &file_a);
    let text = std::fs::read_to_string(&file_a).expect("text");
    assert!(
        !text.contains("exported-never"),
        "a secret was exported:\n{text}"
    );
    assert!(text.contains("REG_SECRET_CACHE_PASSWORD"), "{text}");
    assert!(
        !text.contains("endpoint-secret-value"),
        "a secret was exported:\n{text}"
    );
    assert!(text.contains("REG_SECRET_HELLO_API_KEY"), "{text}");
    assert_eq!(doc["endpoints"].as_array().map(Vec::len), Some(3), "{doc}");

    // A fresh gateway: apply needs the secret's variable.
    let b = Gateway::start(&root.path().join("b"), &[]);
    let file = file_a.to_str().expect("utf-8");
    let out = cli(&b, &["apply", file], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("REG_SECRET_CACHE_PASSWORD"));
    let secret = [
        ("REG_SECRET_CACHE_PASSWORD", "from-the-environment"),
        ("REG_SECRET_HELLO_API_KEY", "endpoint-secret-value"),
    ];
    let applied = ok(&cli(&b, &["apply", file], &secret));
    assert!(applied.contains("changes applied"), "{applied}");

    assert_eq!(
        b.get("/hello").json()["v"],
        1,
        "the deployed version serves"
    );
    assert_eq!(get_on(&b, "pets.example.com", "/v1/items").1["v"], 7);
    let (_, domains) = b.api("GET", "/domains", None);
    assert_eq!(domains["data"][0]["hsts_max_age"], 600, "{domains}");
    assert_eq!(b.request("POST", "/later", b"").status, 404);
    let (_, list) = b.api("GET", "/endpoints", None);
    let hello_b = list["data"]
        .as_array()
        .and_then(|l| l.iter().find(|e| e["path"] == "/hello"))
        .expect("hello on b")
        .clone();
    assert!(
        hello_b["code"]
            .as_str()
            .is_some_and(|c| c.contains("\"v\": 2")),
        "the draft came along: {hello_b}"
    );
    assert_eq!(hello_b["variables"], json!({"GREETING": "hi"}));
    assert_eq!(hello_b["secrets"], json!({"API_KEY": "********"}));

    // The same document comes back out, and a second apply changes nothing.
    let doc_b = export(&b, &root.path().join("b.yaml"));
    assert_eq!(doc_b, doc);
    let again = ok(&cli(&b, &["apply", file], &[]));
    assert!(again.contains("no changes"), "{again}");

    // A dry run of a changed document plans and changes nothing.
    let changed = text.replace("\"v\": 1", "\"v\": 3");
    assert_ne!(changed, text);
    let file_c = root.path().join("changed.yaml");
    std::fs::write(&file_c, &changed).expect("write");
    let dry = cli(
        &b,
        &["apply", "--dry-run", file_c.to_str().expect("utf-8")],
        &[],
    );
    let planned = ok(&dry);
    assert!(planned.contains("dry run"), "{planned}");
    assert!(
        String::from_utf8_lossy(&dry.stderr).contains("would deploy endpoint * GET /hello"),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert_eq!(b.get("/hello").json()["v"], 1);
    // Applied for real, it hot-swaps the new code in.
    ok(&cli(&b, &["apply", file_c.to_str().expect("utf-8")], &[]));
    assert_eq!(b.get("/hello").json()["v"], 3);

    // --prune deletes what the document does not name.
    let extra = b.create("extra", "GET", "/extra", None);
    ok(&cli(&b, &["apply", file], &[]));
    assert_eq!(b.api("GET", &format!("/endpoints/{extra}"), None).0, 200);
    let pruned = cli(&b, &["apply", "--prune", file], &[]);
    ok(&pruned);
    assert!(String::from_utf8_lossy(&pruned.stderr).contains("delete endpoint * GET /extra"));
    assert_eq!(b.api("GET", &format!("/endpoints/{extra}"), None).0, 404);
    assert_eq!(b.get("/hello").json()["v"], 1);
}
