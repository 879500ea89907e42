//! product docs: Request / query_param_as<T>(key) — typed query parameters with defaults (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(req: &Request) {
    // URL: /items?page=2&limit=10
    let page: i64 = req.query_param_as("page").unwrap_or(1);
    let limit: usize = req.query_param_as("limit").unwrap_or(20);
    let active: bool = req.query_param_as("active").unwrap_or(false);
}
