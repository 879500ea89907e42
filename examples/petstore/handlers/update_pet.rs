//! PUT /pets/{petId}: partial update of name, category, tags and status.
use rust_edge_gateway_sdk::prelude::*;

const STATUSES: &[&str] = &["available", "pending", "sold"];

#[handler]
pub fn handle(req: Request) -> Result<Response, HandlerError> {
    let id = req.require_path_param::<String>("petId")?;
    let changes: JsonValue = req.json()?;
    let Some(changes) = changes.as_object() else {
        return Err(HandlerError::ValidationError("the body must be a JSON object".into()));
    };
    let storage = Storage::bound("petstore", "pets")?;
    let Some(mut pet) = storage.get(&id)? else {
        return Ok(Response::json(404, json!({ "error": format!("pet '{id}' not found") })));
    };
    for (field, value) in changes {
        match (field.as_str(), value) {
            ("name", JsonValue::String(s)) if !s.trim().is_empty() && s.len() <= 100 => {}
            ("category", JsonValue::String(s)) if s.len() <= 100 => {}
            ("category", JsonValue::Null) => {}
            ("status", JsonValue::String(s)) if STATUSES.contains(&s.as_str()) => {}
            ("tags", JsonValue::Array(a)) if a.iter().all(JsonValue::is_string) => {}
            ("id" | "created_at" | "updated_at", _) => {
                return Err(HandlerError::ValidationError(format!("{field} cannot be changed")))
            }
            _ => return Err(HandlerError::ValidationError(format!("invalid value for {field}"))),
        }
        pet[field.as_str()] = value.clone();
    }
    pet["updated_at"] = json!(now_rfc3339());
    storage.update(&id, &pet)?;
    Ok(Response::ok(pet))
}
