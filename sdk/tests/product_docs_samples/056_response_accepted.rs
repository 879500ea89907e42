//! product docs: Response / accepted<T: Serialize>(body: T) — 202 Accepted for async work (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::accepted(json!({"job_id": "abc123", "status": "processing"}))
}
