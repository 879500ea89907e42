//! product docs: Response / conflict(message) — 409 helper (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::conflict("A user with this email already exists")
}
