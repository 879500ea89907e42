use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub fn handle(_req: Request) -> impl std::future::Future<Output = Response> {
    async { Response::ok(json!({})) }
}

fn main() {}
