//! GET /pets/{petId}
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub fn handle(req: Request) -> Result<Response, HandlerError> {
    let id = req.require_path_param::<String>("petId")?;
    let storage = Storage::bound("petstore", "pets")?;
    match storage.get(&id)? {
        Some(pet) => Ok(Response::ok(pet)),
        None => Ok(Response::json(404, json!({ "error": format!("pet '{id}' not found") }))),
    }
}
