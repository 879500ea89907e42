//! product docs: Response / service_unavailable(message) — 503 helper (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::service_unavailable("Database is currently unavailable")
}
