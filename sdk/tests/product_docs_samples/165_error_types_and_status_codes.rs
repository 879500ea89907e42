//! product docs: Error Handling (examples) / Error Types and Status Codes — one HandlerError variant per failure class
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn process(req: &Request) -> Result<JsonValue, HandlerError> {
    // 400 Bad Request - Invalid input
    if req.body.is_none() {
        return Err(HandlerError::ValidationError("Body required".into()));
    }

    // 401 Unauthorized - Missing/invalid auth
    if req.header("Authorization").is_none() {
        return Err(HandlerError::Unauthorized("Token required".into()));
    }

    // 404 Not Found - Resource doesn't exist
    let user = find_user("123");
    if user.is_none() {
        return Err(HandlerError::NotFoundMessage("User not found".into()));
    }

    // 503 Service Unavailable - Backend down
    if !database_available() {
        return Err(HandlerError::ServiceUnavailable("Database down".into()));
    }

    // 500 Internal Error - Unexpected error
    if something_broke() {
        return Err(HandlerError::Internal("Unexpected error".into()));
    }

    Ok(json!({"status": "ok"}))
}

// --- stubs for names the product docs sample assumes ---
fn find_user(_id: &str) -> Option<JsonValue> {
    None
}

fn database_available() -> bool {
    true
}

fn something_broke() -> bool {
    false
}
