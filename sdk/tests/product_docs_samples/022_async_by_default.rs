//! product docs: Handler Attribute / Async by Default — awaiting in a handler and tokio::join! for concurrent calls
//! deps: tokio
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Response {
    // You can use .await directly
    let data = fetch_from_api().await;

    // Concurrent operations
    let (users, products) = tokio::join!(
        fetch_users(),
        fetch_products()
    );

    Response::ok(json!({"users": users, "products": products}))
}

// --- stubs for names the product docs sample assumes ---
async fn fetch_from_api() -> JsonValue {
    json!({"status": "ok"})
}

async fn fetch_users() -> Vec<JsonValue> {
    vec![json!({"id": 1, "name": "Alice"})]
}

async fn fetch_products() -> Vec<JsonValue> {
    vec![json!({"id": 1, "name": "Widget"})]
}
