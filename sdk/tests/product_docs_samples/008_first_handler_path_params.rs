//! product docs: Your First Handler / Path Parameters — req.path_param with `?` on a &str error in a -> Response handler
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Response {
    let user_id = req.path_param("id")
        .ok_or_else(|| "Missing user ID")?;

    Response::ok(json!({"user_id": user_id}))
}
