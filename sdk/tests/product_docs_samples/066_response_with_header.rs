//! product docs: Response / with_header(key, value) — adding headers to a JSON response (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::ok(json!({"data": "value"}))
        .with_header("Cache-Control", "max-age=3600")
        .with_header("X-Custom-Header", "custom-value")
}
