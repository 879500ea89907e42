//! Importing the real Petstore OpenAPI document: 19 endpoints in a new collection whose
//! base path comes from servers[0], each with stub code that compiles and answers 501.

mod support;

use serde_json::{json, Value};
use support::Gateway;

#[test]
fn petstore_import_creates_19_endpoints_whose_stubs_compile() {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/data/petstore3-openapi.yaml"
    ))
    .expect("spec");
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let (_, d) = gw.api(
        "POST",
        "/domains",
        Some(json!({"name": "Pets", "host": "pets.example.com"})),
    );
    let domain_id = d["data"]["id"].as_str().expect("domain").to_string();

    let (s, v) = gw.api(
        "POST",
        "/import/openapi",
        Some(
            json!({"spec": spec, "domain": "*", "domain_id": domain_id, "create_collection": true}),
        ),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["endpoints_created"], 19);
    assert_eq!(v["data"]["collection"]["base_path"], "/api/v3");
    assert!(v["data"]["collection"]["name"]
        .as_str()
        .is_some_and(|n| n.contains("Petstore")));
    let endpoints = v["data"]["endpoints"]
        .as_array()
        .expect("endpoints")
        .clone();
    assert!(endpoints
        .iter()
        .any(|e| e["name"] == "getPetById" && e["path"] == "/pet/{petId}" && e["method"] == "GET"));

    for e in &endpoints {
        let id = e["id"].as_str().expect("id");
        let (s, v) = gw.api("POST", &format!("/endpoints/{id}/compile"), None);
        assert_eq!(
            (s, &v["ok"]),
            (200, &Value::Bool(true)),
            "{} does not compile: {v}",
            e["name"]
        );
    }
    let get_pet = endpoints
        .iter()
        .find(|e| e["name"] == "getPetById")
        .expect("getPetById");
    let (s, _) = gw.api(
        "POST",
        &format!("/endpoints/{}/start", get_pet["id"].as_str().expect("id")),
        None,
    );
    assert_eq!(s, 200);
    let r = gw.get("/api/v3/pet/42");
    assert_eq!(r.status, 501);
    assert_eq!(r.json()["operation"], "getPetById");

    // Errors: not OpenAPI 3, missing domain, create_collection without domain_id.
    for body in [
        json!({"spec": "swagger: '2.0'\npaths: {}", "domain": "*"}),
        json!({"spec": "{not yaml", "domain": "*"}),
        json!({"spec": "openapi: 3.0.0\npaths: {}", "domain": ""}),
        json!({"spec": "openapi: 3.0.0\npaths: {}", "domain": "*", "create_collection": true}),
    ] {
        let (s, v) = gw.api("POST", "/import/openapi", Some(body.clone()));
        assert_eq!((s, &v["ok"]), (400, &Value::Bool(false)), "{body}: {v}");
    }
}
