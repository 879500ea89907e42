use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, req: Request, verbose: bool) -> Response {
    Response::ok(json!({ "path": req.path, "verbose": verbose }))
}

fn main() {}
