//! Services: CRUD with secrets masked on every read, bindings to endpoints, and activation
//! refused with the reason when the backend cannot be reached.

mod support;

use serde_json::{json, Value};
use support::Gateway;

#[test]
fn services_crud_masks_secrets_and_binds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let (s, v) = gw.api(
        "POST",
        "/services",
        Some(json!({"name": "main-db", "service_type": "postgres", "config": {"host": "127.0.0.1", "port": 5432, "database": "test", "username": "postgres", "password": "hunter2", "pool_size": 10}})),
    );
    assert_eq!(s, 200, "{v}");
    let id = v["data"]["id"].as_str().expect("id").to_string();
    assert_eq!(v["data"]["config"]["password"], "********");
    assert_eq!(v["data"]["config"]["host"], "127.0.0.1");
    let raw = v.to_string();
    assert!(!raw.contains("hunter2"));
    for (_, v) in [
        gw.api("GET", "/services", None),
        gw.api("GET", &format!("/services/{id}"), None),
    ] {
        assert!(!v.to_string().contains("hunter2"), "{v}");
    }
    // Moving the service to another host with the mask would send the stored secret there:
    // refused. Changing what is not a destination keeps the secret when the mask comes back.
    let (s, v) = gw.api(
        "PUT",
        &format!("/services/{id}"),
        Some(json!({"config": {"host": "db.internal", "password": "********"}})),
    );
    assert_eq!(s, 400, "{v}");
    let (s, v) = gw.api(
        "PUT",
        &format!("/services/{id}"),
        Some(json!({"config": {"database": "other", "password": "********"}})),
    );
    assert_eq!(
        (
            s,
            v["data"]["config"]["database"].as_str(),
            v["data"]["config"]["port"].as_u64()
        ),
        (200, Some("other"), Some(5432)),
        "{v}"
    );
    // A move with the secret typed again is fine.
    let (s, v) = gw.api(
        "PUT",
        &format!("/services/{id}"),
        Some(json!({"config": {"host": "db.internal", "database": "test", "password": "hunter2"}})),
    );
    assert_eq!(
        (s, v["data"]["config"]["host"].as_str()),
        (200, Some("db.internal")),
        "{v}"
    );
    assert_eq!(v["data"]["config"]["password"], "********");
    let stored: (String,) = {
        let db = dir.path().join("gateway.db");
        let out = std::process::Command::new("python3")
            .args(["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select config from services').fetchone()[0])"])
            .arg(&db)
            .output()
            .expect("python3");
        (String::from_utf8_lossy(&out.stdout).into_owned(),)
    };
    assert!(
        stored.0.contains("hunter2"),
        "the secret itself is kept: {}",
        stored.0
    );

    let ep = gw.create("users", "GET", "/users", None);
    let (s, v) = gw.api(
        "POST",
        &format!("/endpoints/{ep}/services"),
        Some(json!({"service_id": id, "pool_id": "main"})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"], json!([{"service_id": id, "pool_id": "main"}]));
    let (_, v) = gw.api("GET", &format!("/endpoints/{ep}/services"), None);
    assert_eq!(v["data"][0]["pool_id"], "main");
    // And from the service's side: who uses it, under which name.
    let (s, v) = gw.api("GET", &format!("/services/{id}/endpoints"), None);
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v["data"],
        json!([{"endpoint_id": ep, "name": "users", "method": "GET", "path": "/users", "pool_id": "main"}])
    );
    assert_eq!(gw.api("GET", "/services/nope/endpoints", None).0, 404);
    let (s, _) = gw.api("DELETE", &format!("/endpoints/{ep}/services/{id}"), None);
    assert_eq!(s, 200);
    let (s, _) = gw.api("DELETE", &format!("/endpoints/{ep}/services/{id}"), None);
    assert_eq!(s, 404);
    assert_eq!(
        gw.api("GET", &format!("/services/{id}/endpoints"), None).1["data"],
        json!([])
    );

    // Errors.
    for body in [
        json!({"name": "x", "service_type": "oracle", "config": {}}),
        json!({"name": "", "service_type": "redis", "config": {}}),
        json!({"name": "x", "service_type": "redis", "config": "host=x"}),
    ] {
        let (s, v) = gw.api("POST", "/services", Some(body.clone()));
        assert_eq!((s, &v["ok"]), (400, &Value::Bool(false)), "{body}");
    }
    let (s, _) = gw.api(
        "POST",
        &format!("/endpoints/{ep}/services"),
        Some(json!({"service_id": "nope", "pool_id": "x"})),
    );
    assert_eq!(s, 400);
    let (s, _) = gw.api(
        "POST",
        &format!("/endpoints/{ep}/services"),
        Some(json!({"service_id": id, "pool_id": "bad id!"})),
    );
    assert_eq!(s, 400);
    let (s, v) = gw.api("POST", &format!("/services/{id}/activate"), None);
    assert_eq!(
        (s, &v["ok"]),
        (503, &Value::Bool(false)),
        "db.internal does not resolve: {v}"
    );
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("not activated")),
        "{v}"
    );
    assert_eq!(gw.api("GET", "/services/nope", None).0, 404);
    let (s, _) = gw.api("DELETE", &format!("/services/{id}"), None);
    assert_eq!(s, 200);
    assert_eq!(gw.api("GET", &format!("/services/{id}"), None).0, 404);
}

#[test]
fn a_draft_configuration_is_tested_without_being_saved() {
    support::backends::require("PostgreSQL", 5432);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);

    // A new service's form: nothing stored, the outcome either way.
    let (s, v) = gw.api(
        "POST",
        "/services/test",
        Some(json!({"service_type": "sqlite", "config": {"path": "draft.db"}})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["connected"], true, "{v}");
    let (s, v) = gw.api(
        "POST",
        "/services/test",
        Some(json!({"service_type": "postgres", "config": {"host": "127.0.0.1", "port": 1, "database": "x", "timeout_seconds": 3}})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["connected"], false);
    assert!(
        v["data"]["error"]
            .as_str()
            .unwrap_or("")
            .contains("refused"),
        "{v}"
    );
    assert_eq!(gw.api("GET", "/services", None).1["data"], json!([]));
    // Refused before connecting: unknown type, undocumented field.
    for bad in [
        json!({"service_type": "mongo", "config": {}}),
        json!({"service_type": "sqlite", "config": {"path": "x.db", "pth": 1}}),
    ] {
        let (s, v) = gw.api("POST", "/services/test", Some(bad.clone()));
        assert_eq!(s, 400, "{bad}: {v}");
    }

    // Editing: the draft is merged over the stored service, masked secrets included.
    let (_, v) = gw.api(
        "POST",
        "/services",
        Some(json!({"name": "pg", "service_type": "postgres", "config": {"host": "127.0.0.1", "port": 5432, "database": "test", "username": "postgres", "password": "hunter2"}})),
    );
    let id = v["data"]["id"].as_str().expect("id").to_string();
    let (_, v) = gw.api(
        "POST",
        "/services/test",
        Some(json!({"service_type": "postgres", "id": id, "config": {"password": "********"}})),
    );
    assert_eq!(v["data"]["connected"], true, "{v}");
    let (_, v) = gw.api(
        "POST",
        "/services/test",
        Some(json!({"service_type": "postgres", "id": id, "config": {"port": 1, "timeout_seconds": 3, "password": "typed-for-port-1"}})),
    );
    assert_eq!(v["data"]["connected"], false, "{v}");
    // Without its own password, a draft that points elsewhere is refused: the stored one
    // stays with the host and port it was saved with.
    let (s, v) = gw.api(
        "POST",
        "/services/test",
        Some(json!({"service_type": "postgres", "id": id, "config": {"port": 1, "timeout_seconds": 3}})),
    );
    assert_eq!(s, 400, "{v}");
    // The stored service is unchanged by either test.
    let (_, v) = gw.api("GET", &format!("/services/{id}"), None);
    assert_eq!(v["data"]["config"]["port"], 5432);
    let (s, v) = gw.api(
        "POST",
        "/services/test",
        Some(json!({"service_type": "mysql", "id": id, "config": {}})),
    );
    assert_eq!(s, 400, "{v}");

    // A server that checks passwords: the masked secret in the draft is the stored one.
    support::backends::require("FTP", 2121);
    let (_, v) = gw.api(
        "POST",
        "/services",
        Some(json!({"name": "files", "service_type": "ftp", "config": {"host": "127.0.0.1", "port": 2121, "username": "svcuser", "password": "svcpass", "protocol": "ftp", "timeout_seconds": 10}})),
    );
    let ftp = v["data"]["id"].as_str().expect("id").to_string();
    let (_, v) = gw.api(
        "POST",
        "/services/test",
        Some(json!({"service_type": "ftp", "id": ftp, "config": {"password": "********"}})),
    );
    assert_eq!(
        v["data"]["connected"], true,
        "the stored password was not used: {v}"
    );
    let (_, v) = gw.api(
        "POST",
        "/services/test",
        Some(json!({"service_type": "ftp", "id": ftp, "config": {"password": "wrong"}})),
    );
    assert_eq!(
        v["data"]["connected"], false,
        "a wrong password connected: {v}"
    );
}
