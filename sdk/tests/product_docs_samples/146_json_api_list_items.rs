//! product docs: JSON API / GET /items - List Items — database query returning items and count
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, _req: Request) -> Result<Response, HandlerError> {
    let db = ctx.database("main-db").await?;
    let items = db.query("SELECT id, name FROM items", &[]).await?;

    Ok(Response::ok(json!({
        "items": items,
        "count": items.len(),
    })))
}
