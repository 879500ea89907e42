//! product docs: Response / with_cache(max_age_seconds) — caching headers, 1 hour and no-cache (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        Response::ok(data).with_cache(3600), // Cache for 1 hour
        Response::ok(data).with_cache(0), // No cache
    ]
}

// --- stubs for names the product docs sample assumes ---
#[derive(Serialize)]
struct Data {
    message: &'static str,
}

#[allow(non_upper_case_globals)]
const data: Data = Data { message: "value" };
