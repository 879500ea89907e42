//! product docs: Response / forbidden(message) — 403 helper (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::forbidden("You don't have permission to access this resource")
}
