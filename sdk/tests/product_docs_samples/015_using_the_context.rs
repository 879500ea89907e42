//! product docs: Your First Handler / Using the Context — database, cache and storage via ctx in a -> Response handler using `?`
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Response {
    // Access database service
    let db = ctx.database("main-db").await?;
    let users = db.query("SELECT * FROM users", &[]).await?;

    // Access cache service
    let cache = ctx.cache("redis").await?;
    cache.set("key", "value", 300).await?;

    // Access storage service
    let storage = ctx.storage("s3").await?;
    storage.put("file.txt", data).await?;

    Response::ok(json!({"users": users}))
}

// --- stubs for names the product docs sample assumes ---
#[allow(non_upper_case_globals)]
const data: &[u8] = b"Hello, storage!";
