//! POST /pets: validates the pet, gives it an id and timestamps, stores it.
use std::sync::atomic::{AtomicU64, Ordering};

use rust_edge_gateway_sdk::prelude::*;

const STATUSES: &[&str] = &["available", "pending", "sold"];

fn new_id() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("pet-{nanos:x}{:x}", SEQ.fetch_add(1, Ordering::Relaxed))
}

fn text(v: &JsonValue, field: &str, max: usize) -> Result<Option<String>, HandlerError> {
    match v.get(field) {
        None | Some(JsonValue::Null) => Ok(None),
        Some(JsonValue::String(s)) if !s.trim().is_empty() && s.len() <= max => Ok(Some(s.trim().to_string())),
        Some(_) => Err(HandlerError::ValidationError(format!("{field} must be a non-empty string of at most {max} bytes"))),
    }
}

#[handler]
pub fn handle(req: Request) -> Result<Response, HandlerError> {
    let body: JsonValue = req.json()?;
    if !body.is_object() {
        return Err(HandlerError::ValidationError("the body must be a JSON object".into()));
    }
    let name = text(&body, "name", 100)?.ok_or_else(|| HandlerError::ValidationError("name is required".into()))?;
    let category = text(&body, "category", 100)?;
    let status = text(&body, "status", 20)?.unwrap_or_else(|| "available".into());
    if !STATUSES.contains(&status.as_str()) {
        return Err(HandlerError::ValidationError(format!("status must be one of {}", STATUSES.join(", "))));
    }
    let tags = match body.get("tags") {
        None | Some(JsonValue::Null) => json!([]),
        Some(JsonValue::Array(a)) if a.iter().all(JsonValue::is_string) => JsonValue::Array(a.clone()),
        Some(_) => return Err(HandlerError::ValidationError("tags must be an array of strings".into())),
    };
    let now = now_rfc3339();
    let id = new_id();
    let pet = json!({
        "id": id, "name": name, "category": category, "tags": tags, "status": status,
        "created_at": now, "updated_at": now,
    });
    Storage::bound("petstore", "pets")?.create(&id, &pet)?;
    Ok(Response::created(pet))
}
