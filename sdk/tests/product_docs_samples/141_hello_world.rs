//! product docs: Hello World / Code — the simplest possible handler
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, _req: Request) -> Response {
    Response::ok(json!({
        "message": "Hello, World!"
    }))
}
