//! product docs: Request / query_param(key) — reading a query parameter as Option<&String> (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(req: &Request) {
    // URL: /search?q=rust
    let query = req.query_param("q"); // Some(&"rust".to_string())
}
