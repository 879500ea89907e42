use rust_edge_gateway_sdk::prelude::*;

#[handler(path = "/users")]
pub async fn handle(_req: Request) -> Response {
    Response::ok(json!({}))
}

fn main() {}
