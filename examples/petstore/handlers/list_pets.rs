//! GET /pets: every pet, or those with `?status=`.
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub fn handle(req: Request) -> Result<Response, HandlerError> {
    let storage = Storage::bound("petstore", "pets")?;
    let status = req.query_param("status").map(String::as_str);
    let mut pets = storage.list(status)?;
    pets.sort_by(|a, b| {
        (a["created_at"].as_str(), a["id"].as_str()).cmp(&(b["created_at"].as_str(), b["id"].as_str()))
    });
    Ok(Response::ok(json!({ "pets": pets, "count": pets.len() })))
}
