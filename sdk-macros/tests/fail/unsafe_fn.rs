use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub unsafe fn handle(_req: Request) -> Response {
    Response::ok(json!({}))
}

fn main() {}
