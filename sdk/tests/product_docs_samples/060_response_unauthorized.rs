//! product docs: Response / unauthorized(message) — 401 helper (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::unauthorized("Invalid or expired token")
}
