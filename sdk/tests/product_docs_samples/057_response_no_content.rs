//! product docs: Response / no_content() — 204 No Content (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::no_content() // Used for DELETE
}
