use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub fn handle(_ctx: &mut Context, _req: Request) -> Response {
    Response::ok(json!({}))
}

fn main() {}
