//! product docs: Response / with_cors(origin) — CORS headers for any origin and for one origin (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        Response::ok(data).with_cors("*"),
        Response::ok(data).with_cors("https://myapp.com"),
    ]
}

// --- stubs for names the product docs sample assumes ---
#[derive(Serialize)]
struct Data {
    message: &'static str,
}

#[allow(non_upper_case_globals)]
const data: Data = Data { message: "value" };
