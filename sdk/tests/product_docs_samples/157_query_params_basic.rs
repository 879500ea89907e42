//! product docs: Query Parameters / Basic Example — search query parameter with 400 on empty
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {
    // Get query parameter
    let query = req.query_param("q")
        .map(|s| s.to_string())
        .unwrap_or_default();

    if query.is_empty() {
        return Response::bad_request("Missing search query");
    }

    Response::ok(json!({
        "query": query,
        "results": [],
    }))
}
