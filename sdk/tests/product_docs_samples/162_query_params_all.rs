//! product docs: Query Parameters / All Query Parameters — iterating and returning req.query
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {
    // Log all query parameters
    for (key, value) in &req.query {
        eprintln!("Query param: {} = {}", key, value);
    }

    Response::ok(json!({
        "query_params": req.query,
    }))
}
