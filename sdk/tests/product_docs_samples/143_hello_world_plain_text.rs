//! product docs: Hello World / Plain Text — Response::text
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, _req: Request) -> Response {
    Response::text(200, "Hello, World!")
}
