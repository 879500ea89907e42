//! product docs: Your First Handler / JSON Responses — Response::ok / created / json constructors (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        // 200 OK with JSON
        Response::ok(json!({"status": "success"})),

        // 201 Created
        Response::created(json!({"id": "123"})),

        // Custom status with JSON
        Response::json(418, json!({"error": "I'm a teapot"})),
    ]
}
