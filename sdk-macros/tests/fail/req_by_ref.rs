use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(req: &Request) -> Response {
    Response::ok(json!({ "path": req.path }))
}

fn main() {}
