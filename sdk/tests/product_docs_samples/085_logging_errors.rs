//! product docs: Error Handling / Logging Errors — logging an error with request id and status before returning it
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn handle(req: Request) -> Result<Response, HandlerError> {
    match process(&req) {
        Ok(data) => Ok(Response::ok(data)),
        Err(e) => {
            eprintln!("[{}] Error: {} ({})",
                req.request_id,
                e,
                e.status_code()
            );
            Err(e) // Will be converted to Response by handler_loop_result!
        }
    }
}

// --- stubs for names the product docs sample assumes ---
fn process(_req: &Request) -> Result<JsonValue, HandlerError> {
    Ok(json!({"status": "ok"}))
}
