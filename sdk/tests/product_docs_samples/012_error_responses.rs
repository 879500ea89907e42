//! product docs: Your First Handler / Error Responses — bad_request / not_found / internal_error helpers (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        Response::bad_request("Invalid input"), // 400
        Response::not_found(), // 404
        Response::internal_error("Something broke"), // 500
    ]
}
