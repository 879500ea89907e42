use rust_edge_gateway_sdk::prelude::*;

pub struct Api;

impl Api {
    #[handler]
    pub async fn handle(&self, _req: Request) -> Response {
        Response::ok(json!({}))
    }
}

fn main() {}
