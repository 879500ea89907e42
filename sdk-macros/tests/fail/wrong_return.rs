use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(req: Request) -> String {
    req.path
}

fn main() {}
