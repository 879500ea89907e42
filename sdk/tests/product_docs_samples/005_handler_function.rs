//! product docs: Your First Handler / The Handler Function — reading method/path from the Request
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Response {
    // Access request data
    let method = &req.method; // "GET", "POST", etc.
    let path = &req.path; // "/users/123"

    // Access services via ctx (database, cache, storage)
    // let db = ctx.database();

    // Return a response
    Response::ok(json!({"received": path}))
}
