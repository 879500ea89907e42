//! product docs: Request / header(key) — case-insensitive header lookup (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(req: &Request) {
    // All of these work:
    let auth = req.header("Authorization");
    let auth = req.header("authorization");
    let auth = req.header("AUTHORIZATION");
}
