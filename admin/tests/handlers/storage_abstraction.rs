// Test handler: the product docs' Storage abstraction (synchronous) on a service bound as "store":
// ?backend=db (a SQL table), obj (MinIO objects) or file (FTP/SFTP files).
use rust_edge_gateway_sdk::prelude::*;

fn flow(req: &Request) -> Result<JsonValue, HandlerError> {
    let backend = req.query_param("backend").cloned().unwrap_or_default();
    let s = match backend.as_str() {
        "db" => {
            let db = DbPool { pool_id: "store".to_string() };
            db.execute("DROP TABLE IF EXISTS pets", &[])?;
            db.execute("CREATE TABLE pets (id TEXT PRIMARY KEY, name TEXT, status TEXT, tags TEXT)", &[])?;
            Storage::database("store", "pets")
        }
        "obj" => Storage::object_storage("store", "pets"),
        _ => Storage::file_storage("store", "pets"),
    };
    for id in ["p1", "p2"] {
        s.delete(id)?;
    }
    s.create("p1", &json!({"name": "Rex", "status": "available", "tags": ["dog"]}))?;
    s.create("p2", &json!({"name": "Tom", "status": "sold", "tags": []}))?;
    let duplicate = s.create("p1", &json!({"name": "X", "status": "x"})).map_err(|e| e.status_code()).err();
    let got = s.get("p1")?;
    let available = s.list(Some("available"))?.len();
    let all = s.list(None)?.len();
    s.update("p2", &json!({"name": "Tom", "status": "available", "tags": ["cat"]}))?;
    let available_after = s.list(Some("available"))?.len();
    let deleted = s.delete("p1")?;
    let deleted_again = s.delete("p1")?;
    let missing = s.get("p1")?;
    Ok(json!({
        "duplicate": duplicate, "name": got.map(|g| g["name"].clone()), "available": available,
        "all": all, "available_after": available_after, "deleted": deleted,
        "deleted_again": deleted_again, "missing": missing,
    }))
}

fn handle(req: Request) -> Response {
    match flow(&req) {
        Ok(v) => Response::ok(v),
        Err(e) => e.to_response(),
    }
}

handler_loop!(handle);
