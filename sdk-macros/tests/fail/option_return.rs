use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub fn handle(req: Request) -> Option<Response> {
    Some(Response::ok(json!({ "path": req.path })))
}

fn main() {}
