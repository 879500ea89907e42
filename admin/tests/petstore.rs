//! The Pet Store example on all five backends of the product docs: `examples/petstore/
//! setup.sh <backend>` against a running gateway, then the full CRUD flow through the
//! gateway port with the same five handlers each time.

mod support;

use std::process::Command;

use serde_json::{json, Value};
use support::backends::require;
use support::Gateway;

fn setup(gw: &Gateway, backend: &str, env: &[(&str, String)]) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/petstore/setup.sh");
    let out = Command::new("bash")
        .arg(script)
        .arg(backend)
        .env("ADMIN", format!("http://{}", gw.admin))
        .env("GATEWAY", format!("http://{}", gw.gateway))
        .env("ADMIN_TOKEN", gw.token.clone().unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "setup.sh {backend} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn call(gw: &Gateway, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let r = gw.request(method, path, body.as_bytes());
    (
        r.status,
        serde_json::from_slice(&r.body).unwrap_or(Value::Null),
    )
}

fn crud(gw: &Gateway, backend: &str) {
    let (s, v) = call(
        gw,
        "POST",
        "/pets",
        Some(json!({"name": "Buddy", "category": "dog", "tags": ["friendly"]})),
    );
    assert_eq!(s, 201, "{backend} create: {v}");
    let id = v["id"].as_str().expect("id").to_string();
    assert_eq!(
        (v["status"].as_str(), v["tags"].clone()),
        (Some("available"), json!(["friendly"]))
    );
    let (s, v) = call(
        gw,
        "POST",
        "/pets",
        Some(json!({"name": "Tom", "status": "sold"})),
    );
    assert_eq!(s, 201, "{backend}: {v}");
    let tom = v["id"].as_str().expect("id").to_string();
    let (s, v) = call(gw, "POST", "/pets", Some(json!({"category": "cat"})));
    assert_eq!(s, 400, "{backend}: a pet without a name: {v}");
    let (s, _) = call(
        gw,
        "POST",
        "/pets",
        Some(json!({"name": "X", "status": "lost"})),
    );
    assert_eq!(s, 400, "{backend}: unknown status");

    let (s, v) = call(gw, "GET", &format!("/pets/{id}"), None);
    assert_eq!(
        (s, v["name"].as_str(), v["category"].as_str()),
        (200, Some("Buddy"), Some("dog")),
        "{backend}: {v}"
    );
    assert_eq!(
        v["tags"],
        json!(["friendly"]),
        "{backend}: tags come back as JSON"
    );
    let (s, v) = call(gw, "GET", "/pets", None);
    assert_eq!(s, 200, "{backend}: {v}");
    let ids: Vec<&str> = v["pets"]
        .as_array()
        .expect("pets")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert!(
        ids.contains(&id.as_str()) && ids.contains(&tom.as_str()),
        "{backend}: {v}"
    );
    let (_, v) = call(gw, "GET", "/pets?status=available", None);
    let pets = v["pets"].as_array().expect("pets");
    assert!(
        pets.iter().all(|p| p["status"] == "available"),
        "{backend}: filter: {v}"
    );
    assert!(
        pets.iter().any(|p| p["id"] == id.as_str())
            && !pets.iter().any(|p| p["id"] == tom.as_str())
    );

    let (s, v) = call(
        gw,
        "PUT",
        &format!("/pets/{id}"),
        Some(json!({"status": "sold"})),
    );
    assert_eq!(
        (s, v["status"].as_str(), v["name"].as_str()),
        (200, Some("sold"), Some("Buddy")),
        "{backend}: {v}"
    );
    let (_, v) = call(gw, "GET", &format!("/pets/{id}"), None);
    assert_eq!(v["status"], "sold", "{backend}: the update is stored");
    let (s, _) = call(
        gw,
        "PUT",
        &format!("/pets/{id}"),
        Some(json!({"id": "other"})),
    );
    assert_eq!(s, 400, "{backend}: the id cannot change");

    for pet in [&id, &tom] {
        let (s, v) = call(gw, "DELETE", &format!("/pets/{pet}"), None);
        assert_eq!(s, 200, "{backend}: {v}");
    }
    let (s, _) = call(gw, "GET", &format!("/pets/{id}"), None);
    assert_eq!(s, 404, "{backend}: deleted");
    let (s, _) = call(gw, "DELETE", &format!("/pets/{id}"), None);
    assert_eq!(s, 404, "{backend}: deleted twice");
}

fn run(backend: &str, env: &[(&str, String)]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    setup(&gw, backend, env);
    crud(&gw, backend);
}

#[test]
fn petstore_on_sqlite() {
    run("sqlite", &[]);
}

#[test]
fn petstore_on_postgres() {
    require("PostgreSQL", 5432);
    run("postgres", &[]);
}

#[test]
fn petstore_on_mysql() {
    require("MariaDB", 3306);
    run("mysql", &[]);
}

#[test]
fn petstore_on_minio() {
    require("S3 (SeaweedFS)", 9000);
    let bucket = support::backends::TempBucket::named(format!("petstore-{}", std::process::id()));
    run("minio", &[("PETSTORE_BUCKET", bucket.0.clone())]);
}

#[test]
fn petstore_on_ftp() {
    require("FTP (vsftpd)", 2121);
    run(
        "ftp",
        &[(
            "PETSTORE_FTP_BASE",
            format!("petstore-{}", std::process::id()),
        )],
    );
}
