//! What a handler prints and its panics reach `GET /api/endpoints/{id}/logs`.

mod support;

use support::Gateway;

const CODE: &str = r#"use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {
    eprintln!("[{}] handling {}", req.request_id, req.path);
    if req.query_param("boom").is_some() {
        panic!("kaboom requested");
    }
    println!("all good");
    Response::ok(json!({"ok": true}))
}
"#;

#[test]
fn prints_and_panics_are_in_the_endpoint_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let id = gw.create("noisy", "GET", "/noisy", Some(CODE));
    gw.deploy(&id);
    assert_eq!(gw.get("/noisy").status, 200);
    assert_eq!(gw.get("/noisy?boom=1").status, 500);
    assert_eq!(
        gw.get("/noisy").status,
        200,
        "the worker keeps serving after the panic"
    );
    let (s, v) = gw.api("GET", &format!("/endpoints/{id}/logs"), None);
    assert_eq!(s, 200);
    let lines: Vec<(String, String)> = v["data"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["level"].as_str().unwrap_or("").to_string(),
                l["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        lines
            .iter()
            .any(|(lv, m)| lv == "error" && m.contains("handling /noisy")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|(lv, m)| lv == "info" && m == "all good"),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|(lv, m)| lv == "panic"
            && m.contains("kaboom requested")
            && m.contains("src/lib.rs:")),
        "{lines:?}"
    );
    let (s, _) = gw.api("GET", "/endpoints/nope/logs", None);
    assert_eq!(s, 404);
}
