//! product docs: Response / internal_error(message) — 500 helper (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::internal_error("Database connection failed")
}
