//! product docs: Response / text(status, body) — plain-text responses (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        Response::text(200, "Hello, World!"),
        Response::text(500, "Internal Server Error"),
    ]
}
