use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: Context, req: Request) -> Response {
    let _ = ctx;
    Response::ok(json!({ "path": req.path }))
}

fn main() {}
