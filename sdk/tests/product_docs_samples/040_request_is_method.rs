//! product docs: Request / is_method(method) — case-insensitive method check (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(req: &Request) {
    if req.is_method("POST") {
        // Handle POST
    }
}
