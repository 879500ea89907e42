use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle() -> Response {
    Response::ok(json!({}))
}

fn main() {}
