//! product docs: Your First Handler / Custom Headers — chaining with_header on a JSON response (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::ok(json!({"data": "value"}))
        .with_header("X-Custom-Header", "custom-value")
        .with_header("Cache-Control", "max-age=3600")
}
