//! product docs: Error Handling / to_response() -> Response — converting a HandlerError into a Response (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() {
    let err = HandlerError::ValidationError("Invalid email".to_string());
    let response = err.to_response();
    // Response { status: 400, body: {"error": "Validation error: Invalid email"} }
}
