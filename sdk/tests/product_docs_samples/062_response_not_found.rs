//! product docs: Response / not_found() / not_found_msg(message) — 404 helpers (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        Response::not_found(),
        Response::not_found_msg("User with ID 123 not found"),
    ]
}
