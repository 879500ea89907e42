use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub struct Handler {
    pub name: String,
}

fn main() {}
