//! product docs: Context API / Overview — every handler receives a &Context; getting a database handle with `?`
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Response {
    // Use ctx to access services
    let db = ctx.database("main-db").await?;
    // ...
    Response::no_content()
}
