//! ZIP bundle import: handlers matched by normalized operationId, shared dependencies and
//! extra routes from bundle.yaml, compile and start flags, per-handler errors in the report,
//! and a bundle with a `../evil.rs` entry refused without creating anything.

mod support;

use serde_json::{json, Value};
use support::{zip, Gateway};

const SPEC: &str = "openapi: 3.0.3\ninfo:\n  title: Bundle Pets\nservers:\n  - url: https://pets.example.com/v1\npaths:\n  /pets:\n    get:\n      operationId: listPets\n  /pets/{petId}:\n    get:\n      operationId: getPet\n";

const GET_PET: &str = "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(_ctx: &Context, req: Request) -> Result<Response, HandlerError> {\n    let id: u64 = req.require_path_param(\"petId\")?;\n    let mut buf = itoa::Buffer::new();\n    Ok(Response::ok(json!({ \"pet\": buf.format(id) })))\n}\n";

const HEALTH: &str = "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(_ctx: &Context, _req: Request) -> Response {\n    Response::ok(json!({ \"healthy\": true }))\n}\n";

fn upload(gw: &Gateway, query: &str, bundle: &[u8]) -> (u16, Value) {
    gw.upload_bundle(query, bundle)
}

#[test]
fn bundle_import_compiles_starts_and_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let (_, d) = gw.api(
        "POST",
        "/domains",
        Some(json!({"name": "Pets", "host": "pets.example.com"})),
    );
    let domain_id = d["data"]["id"].as_str().expect("domain").to_string();

    let evil = zip(&[("openapi.yaml", SPEC), ("../evil.rs", HEALTH)]);
    let (s, v) = upload(
        &gw,
        &format!("domain=*&domain_id={domain_id}&create_collection=true"),
        &evil,
    );
    assert_eq!((s, &v["ok"]), (400, &Value::Bool(false)), "{v}");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("../evil.rs")),
        "{v}"
    );
    assert_eq!(
        gw.api("GET", "/endpoints", None).1["data"]
            .as_array()
            .map(Vec::len),
        Some(0),
        "nothing created"
    );

    let manifest = "bundle:\n  name: pets\n  version: 1.0.0\ndependencies:\n  itoa: \"1\"\nroutes:\n  - method: GET\n    path: /health\n    handler: health\n";
    let good = zip(&[
        ("openapi.yaml", SPEC),
        ("bundle.yaml", manifest),
        ("handlers/get_pet.rs", GET_PET),
        ("handlers/health.rs", HEALTH),
    ]);
    let (s, v) = upload(
        &gw,
        &format!("domain=*&domain_id={domain_id}&create_collection=true&compile=true&start=true"),
        &good,
    );
    assert_eq!(s, 200, "{v}");
    let d = &v["data"];
    assert_eq!(
        (
            d["endpoints_created"].as_u64(),
            d["handlers_matched"].as_u64()
        ),
        (Some(3), Some(2)),
        "{d}"
    );
    assert_eq!(
        (d["compiled"].as_u64(), d["started"].as_u64()),
        (Some(3), Some(3)),
        "{d}"
    );
    assert_eq!(d["errors"], json!([]));
    assert_eq!(d["collection"]["base_path"], "/v1");
    assert_eq!(gw.get("/v1/pets/7").json(), json!({"pet": "7"}));
    assert_eq!(gw.get("/v1/health").json(), json!({"healthy": true}));
    assert_eq!(
        gw.get("/v1/pets").status,
        501,
        "listPets had no handler file: stub"
    );

    // Re-import into the same collection with a broken handler: updated, error reported,
    // the others still compile.
    let coll = d["collection"]["id"].as_str().expect("collection");
    let broken = "use rust_edge_gateway_sdk::prelude::*;\n#[handler]\npub async fn handle(_ctx: &Context, _req: Request) -> Response {\n    undefined_function()\n}\n";
    let again = zip(&[
        ("openapi.yaml", SPEC),
        ("bundle.yaml", manifest),
        ("getPet.rs", broken),
        ("handlers/health.rs", HEALTH),
    ]);
    let (s, v) = upload(
        &gw,
        &format!("domain=*&collection_id={coll}&compile=true"),
        &again,
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["data"]["endpoints_updated"].as_u64(),
            v["data"]["endpoints_created"].as_u64()
        ),
        (Some(3), Some(0))
    );
    let errors = v["data"]["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["handler"], "getPet");
    assert!(errors[0]["error"]
        .as_str()
        .is_some_and(|e| e.contains("undefined_function")));
    assert_eq!(
        gw.get("/v1/pets/8").json(),
        json!({"pet": "8"}),
        "the running version is untouched"
    );
}
