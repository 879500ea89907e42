//! The handler called directly, against a real SQLite file through the gateway's own
//! service code: no gateway process, no HTTP.

use rust_edge_gateway_testing::{TestGateway, TestRequest};
use serde_json::json;

fn gateway(db: &std::path::Path) -> TestGateway {
    let gw = TestGateway::new();
    gw.service("db", "sqlite", json!({"path": db.display().to_string()}))
        .expect("a SQLite file");
    gw
}

#[test]
fn greets_with_the_variable_and_counts_visits_in_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("visits.db");
    let gw = gateway(&db);
    gw.var("GREETING", "Bonjour");
    for n in 1..=3 {
        let req = TestRequest::get("/greet?name=Ada").build();
        let resp = gw.call(|ctx| async move { greeter_handler::handle(&ctx, req).await });
        assert_eq!(resp.status, 200);
        let body: serde_json::Value = serde_json::from_slice(resp.body_bytes()).expect("json");
        assert_eq!(body, json!({"message": "Bonjour, Ada!", "visits": n}));
    }
    // The rows are in the file, as the gateway would have left them.
    let out = std::process::Command::new("python3")
        .args(["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select n from visits where name=?', ('Ada',)).fetchone()[0])"])
        .arg(&db)
        .output()
        .expect("python3");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");
}

#[test]
fn a_bad_request_and_a_missing_service_are_errors_like_on_the_gateway() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = gateway(&dir.path().join("v.db"));
    let long = "x".repeat(65);
    let req = TestRequest::get("/greet").query("name", &long).build();
    let resp = gw.call(|ctx| async move { greeter_handler::handle(&ctx, req).await });
    assert_eq!(resp.status, 400);
    // Without a service bound as `db`: the gateway's 500 naming it.
    let bare = TestGateway::new();
    let req = TestRequest::get("/greet").build();
    let resp = bare.call(|ctx| async move { greeter_handler::handle(&ctx, req).await });
    assert_eq!(
        resp.status,
        500,
        "{}",
        String::from_utf8_lossy(resp.body_bytes())
    );
    assert!(String::from_utf8_lossy(resp.body_bytes()).contains("db"));
}
