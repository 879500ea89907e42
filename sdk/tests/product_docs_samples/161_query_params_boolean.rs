//! product docs: Query Parameters / Boolean Parameters — "true"/"1" flags with a false default
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {
    // Parse boolean parameters
    let include_deleted = req.query_param("include_deleted")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false);

    let verbose = req.query_param("verbose")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false);

    Response::ok(json!({
        "include_deleted": include_deleted,
        "verbose": verbose,
    }))
}
