//! product docs: Response / json<T: Serialize>(status: u16, body: T) — JSON with a custom status (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        Response::json(201, json!({"id": "new-id"})),
        Response::json(400, json!({"error": "Invalid input"})),
    ]
}
