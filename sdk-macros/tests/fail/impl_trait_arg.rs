use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(req: impl Into<Request>) -> Response {
    Response::ok(json!({ "path": req.into().path }))
}

fn main() {}
