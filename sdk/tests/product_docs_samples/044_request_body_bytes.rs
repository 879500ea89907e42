//! product docs: Request / body_bytes() — raw body as Vec<u8> (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(req: &Request) {
    let raw_body = req.body_bytes();
}
