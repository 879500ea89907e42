//! product docs: Response / new(status: u16) — status-only responses, with a Location header (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        Response::new(204), // 204 No Content
        Response::new(301).with_header("Location", "/new-path"),
    ]
}
