use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) {
    let _ = (ctx, req);
}

fn main() {}
