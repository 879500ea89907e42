use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle<T: Default>(_req: Request) -> Response {
    Response::ok(json!({}))
}

fn main() {}
