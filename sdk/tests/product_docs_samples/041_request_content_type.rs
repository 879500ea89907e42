//! product docs: Request / content_type() — reading the Content-Type header (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(req: &Request) {
    if let Some(ct) = req.content_type() {
        eprintln!("Content-Type: {}", ct);
    }
}
