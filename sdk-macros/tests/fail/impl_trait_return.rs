use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_req: Request) -> impl Into<Response> {
    Response::ok(json!({}))
}

fn main() {}
