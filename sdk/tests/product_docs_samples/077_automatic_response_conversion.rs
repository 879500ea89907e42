//! product docs: Error Handling / Automatic Response Conversion — HandlerError into Response via .into()
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn handle(req: Request) -> Response {
    match process(&req) {
        Ok(data) => Response::ok(data),
        Err(e) => e.into(), // Automatically converts to Response
    }
}

// --- stubs for names the product docs sample assumes ---
fn process(_req: &Request) -> Result<JsonValue, HandlerError> {
    Ok(json!({"status": "ok"}))
}
