//! product docs: Response / Error Handling with Result — `?` in a handler_loop_result! handler, errors become responses
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn handle(req: Request) -> Result<Response, HandlerError> {
    let user = find_user(&req)?; // Returns 404 if not found
    Ok(Response::ok(user))
}

handler_loop_result!(handle); // Errors auto-convert to Response

// --- stubs for names the product docs sample assumes ---
fn find_user(_req: &Request) -> Result<JsonValue, HandlerError> {
    Err(HandlerError::NotFound)
}
