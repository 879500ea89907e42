//! product docs: Context API / Cache Access — cache-aside: cache.get, database fallback, cache.set with TTL
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Result<Response, HandlerError> {
    let cache = ctx.cache("redis").await?;

    // Try cache first
    if let Some(cached) = cache.get("users:all").await? {
        return Ok(Response::ok(cached));
    }

    // Cache miss - fetch from database
    let db = ctx.database("main-db").await?;
    let users = db.query("SELECT * FROM users", &[]).await?;

    // Store in cache with TTL (seconds)
    cache.set("users:all", &users, 300).await?;

    Ok(Response::ok(json!({"users": users})))
}
