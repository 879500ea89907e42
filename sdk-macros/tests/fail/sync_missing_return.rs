use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub fn handle(req: Request) {
    let _ = req;
}

fn main() {}
