use rust_edge_gateway_sdk::prelude::*;

#[derive(Debug)]
pub struct MyError;

#[handler]
pub async fn handle(_req: Request) -> Result<Response, MyError> {
    Err(MyError)
}

fn main() {}
