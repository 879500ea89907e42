//! product docs: Response / bad_request(message) — 400 helper (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::bad_request("Missing required field: email")
}
