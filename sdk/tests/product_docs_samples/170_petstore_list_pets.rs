//! product docs: Pet Store Demo / Storage Abstraction — listing pets through ctx.storage
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, _req: Request) -> Result<Response, HandlerError> {
    // Access storage via Context - backend is configured in Admin UI
    let storage = ctx.storage("petstore").await?;
    let pets = storage.list("pets/").await?;

    Ok(Response::ok(json!({"pets": pets})))
}
