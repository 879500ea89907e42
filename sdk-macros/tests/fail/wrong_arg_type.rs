use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, body: String) -> Response {
    Response::ok(json!({ "body": body }))
}

fn main() {}
