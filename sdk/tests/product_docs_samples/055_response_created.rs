//! product docs: Response / created<T: Serialize>(body: T) — 201 Created (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::created(json!({"id": "12345", "name": "New Resource"}))
}
