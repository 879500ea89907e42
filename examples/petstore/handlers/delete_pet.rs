//! DELETE /pets/{petId}
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub fn handle(req: Request) -> Result<Response, HandlerError> {
    let id = req.require_path_param::<String>("petId")?;
    if Storage::bound("petstore", "pets")?.delete(&id)? {
        Ok(Response::ok(json!({ "deleted": id })))
    } else {
        Ok(Response::json(404, json!({ "error": format!("pet '{id}' not found") })))
    }
}
