//! product docs: Response / with_body(body) — setting an HTML body on Response::new (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::new(200)
        .with_header("Content-Type", "text/html")
        .with_body("<html><body>Hello!</body></html>")
}
