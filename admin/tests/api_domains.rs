//! Domains and collections: CRUD, a collection's base_path prefixing its endpoints' routes
//! (and moving them when changed), cascading deletes that unload.

mod support;

use serde_json::{json, Value};
use support::{versioned_code, Gateway};

#[test]
fn domains_collections_base_paths_and_cascades() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);

    let (s, v) = gw.api(
        "POST",
        "/domains",
        Some(json!({"name": "Production API", "host": "api.example.com", "description": "Main"})),
    );
    assert_eq!(s, 200, "{v}");
    let domain = v["data"]["id"].as_str().expect("id").to_string();
    assert_eq!(
        (v["data"]["host"].as_str(), v["data"]["enabled"].as_bool()),
        (Some("api.example.com"), Some(true))
    );
    let (s, v) = gw.api(
        "PUT",
        &format!("/domains/{domain}"),
        Some(json!({"description": "Updated"})),
    );
    assert_eq!(
        (
            s,
            v["data"]["description"].as_str(),
            v["data"]["name"].as_str()
        ),
        (200, Some("Updated"), Some("Production API"))
    );
    let (_, v) = gw.api("GET", "/domains", None);
    assert_eq!(v["data"].as_array().map(Vec::len), Some(1));

    let (s, v) = gw.api(
        "POST",
        "/collections",
        Some(json!({"domain_id": domain, "name": "Pet Store", "base_path": "/v1"})),
    );
    assert_eq!(s, 200, "{v}");
    let coll = v["data"]["id"].as_str().expect("id").to_string();
    let (_, v) = gw.api("GET", &format!("/domains/{domain}/collections"), None);
    assert_eq!(v["data"][0]["id"].as_str(), Some(coll.as_str()));
    let (_, v) = gw.api("GET", &format!("/collections?domain_id={domain}"), None);
    assert_eq!(v["data"].as_array().map(Vec::len), Some(1));

    let (s, v) = gw.api(
        "POST",
        "/endpoints",
        Some(json!({"name": "listPets", "path": "/pets", "method": "GET", "domain": "*", "collection_id": coll, "code": versioned_code(1)})),
    );
    assert_eq!(s, 200, "{v}");
    let ep = v["data"]["id"].as_str().expect("id").to_string();
    gw.deploy(&ep);
    assert_eq!(
        gw.get("/v1/pets").json()["v"],
        1,
        "base_path prefixes the route"
    );
    assert_eq!(gw.get("/pets").status, 404);
    let (_, v) = gw.api("GET", &format!("/collections/{coll}/endpoints"), None);
    assert_eq!(
        (v["data"][0]["name"].as_str(), v["data"][0].get("code")),
        (Some("listPets"), None)
    );

    let (s, _) = gw.api(
        "PUT",
        &format!("/collections/{coll}"),
        Some(json!({"base_path": "/v2"})),
    );
    assert_eq!(s, 200);
    assert_eq!(
        gw.get("/v2/pets").status,
        200,
        "a new base_path moves the running route"
    );
    assert_eq!(gw.get("/v1/pets").status, 404);

    // Errors in the envelope.
    for (m, p, b) in [
        ("POST", "/domains", json!({"name": "x"})),
        (
            "POST",
            "/domains",
            json!({"name": "x", "host": "bad host!"}),
        ),
        (
            "POST",
            "/collections",
            json!({"domain_id": "nope", "name": "x"}),
        ),
        (
            "POST",
            "/collections",
            json!({"domain_id": domain, "name": "x", "base_path": "v1"}),
        ),
        (
            "POST",
            "/endpoints",
            json!({"name": "x", "path": "/x", "method": "GET", "domain": "*", "collection_id": "nope"}),
        ),
    ] {
        let (s, v) = gw.api(m, p, Some(b.clone()));
        assert_eq!((s, &v["ok"]), (400, &Value::Bool(false)), "{p} {b}: {v}");
    }
    for p in [
        "/domains/nope",
        "/collections/nope",
        "/domains/nope/collections",
        "/collections/nope/endpoints",
    ] {
        let (s, v) = gw.api("GET", p, None);
        assert_eq!((s, &v["ok"]), (404, &Value::Bool(false)), "{p}");
    }

    // Deleting the domain deletes its collection and endpoint, and unloads it.
    let (s, _) = gw.api("DELETE", &format!("/domains/{domain}"), None);
    assert_eq!(s, 200);
    assert_eq!(gw.api("GET", &format!("/collections/{coll}"), None).0, 404);
    assert_eq!(gw.api("GET", &format!("/endpoints/{ep}"), None).0, 404);
    assert_eq!(gw.get("/v2/pets").status, 404);
}

#[test]
fn partial_updates_keep_absent_fields_and_clear_null_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let (_, d) = gw.api(
        "POST",
        "/domains",
        Some(json!({"name": "D", "host": "d.test", "description": "about d"})),
    );
    let domain = d["data"]["id"].as_str().expect("id").to_string();
    let (_, c) = gw.api(
        "POST",
        "/collections",
        Some(
            json!({"domain_id": domain, "name": "C", "base_path": "/v1", "description": "about c"}),
        ),
    );
    let coll = c["data"]["id"].as_str().expect("id").to_string();
    let (_, e) = gw.api(
        "POST",
        "/endpoints",
        Some(
            json!({"name": "e", "path": "/e", "method": "GET", "domain": "*",
                    "collection_id": coll, "description": "about e"}),
        ),
    );
    let ep = e["data"]["id"].as_str().expect("id").to_string();

    // Absent: kept.
    let (s, v) = gw.api(
        "PUT",
        &format!("/endpoints/{ep}"),
        Some(json!({"name": "e2"})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["collection_id"], json!(coll));
    assert_eq!(v["data"]["description"], "about e");
    // null: cleared (the admin UI's "None" collection and emptied fields).
    let (s, v) = gw.api(
        "PUT",
        &format!("/endpoints/{ep}"),
        Some(json!({"collection_id": null, "description": null})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["collection_id"], Value::Null);
    assert_eq!(v["data"]["description"], Value::Null);
    assert_eq!(v["data"]["name"], "e2");
    let (s, v) = gw.api(
        "PUT",
        &format!("/endpoints/{ep}"),
        Some(json!({"collection_id": "nope"})),
    );
    assert_eq!(s, 400, "{v}");

    let (_, v) = gw.api(
        "PUT",
        &format!("/collections/{coll}"),
        Some(json!({"base_path": null, "description": null})),
    );
    assert_eq!(v["data"]["base_path"], Value::Null, "{v}");
    assert_eq!(v["data"]["description"], Value::Null, "{v}");
    assert_eq!(v["data"]["name"], "C");
    let (_, v) = gw.api(
        "PUT",
        &format!("/domains/{domain}"),
        Some(json!({"description": null})),
    );
    assert_eq!(v["data"]["description"], Value::Null, "{v}");
    assert_eq!(v["data"]["host"], "d.test");
}

#[test]
fn a_serving_endpoint_follows_a_route_change_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let (_, d) = gw.api(
        "POST",
        "/domains",
        Some(json!({"name": "D", "host": "d.test"})),
    );
    let domain = d["data"]["id"].as_str().expect("id").to_string();
    let (_, c) = gw.api(
        "POST",
        "/collections",
        Some(json!({"domain_id": domain, "name": "C", "base_path": "/v1"})),
    );
    let coll = c["data"]["id"].as_str().expect("id").to_string();
    let (_, e) = gw.api(
        "POST",
        "/endpoints",
        Some(json!({"name": "moved", "path": "/moved", "method": "GET", "domain": "*", "collection_id": coll})),
    );
    let ep = e["data"]["id"].as_str().expect("id").to_string();
    gw.deploy(&ep);
    assert_eq!(gw.get("/v1/moved").status, 200);

    // Out of the collection: served without the base path, no redeploy.
    let (s, v) = gw.api(
        "PUT",
        &format!("/endpoints/{ep}"),
        Some(json!({"collection_id": null})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(gw.get("/moved").status, 200);
    assert_eq!(gw.get("/v1/moved").status, 404);

    // Onto a route another serving endpoint holds: 409, and the route stays as it was.
    let other = gw.create("other", "GET", "/taken", None);
    gw.deploy(&other);
    let (s, v) = gw.api(
        "PUT",
        &format!("/endpoints/{ep}"),
        Some(json!({"path": "/taken"})),
    );
    assert_eq!(s, 409, "{v}");
    assert!(v["error"].as_str().unwrap_or("").contains("undone"), "{v}");
    let (_, v) = gw.api("GET", &format!("/endpoints/{ep}"), None);
    assert_eq!(v["data"]["path"], "/moved");
    assert_eq!(gw.get("/moved").status, 200);
    assert_eq!(gw.get("/taken").status, 200);
}
