//! The documented shape: `async fn(ctx: &Context, req: Request) -> Result<Response, HandlerError>`.
#![no_main]
#![deny(warnings)]
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Result<Response, HandlerError> {
    let visits = ctx.cache("cache").await?.incr("visits").await?;
    Ok(Response::ok(json!({ "path": req.path, "visits": visits })))
}

// A handler library's allocator forwards to the gateway's and aborts if used before the
// gateway installs it, and Rust's own `main` allocates while starting: a C `main` stands in.
#[unsafe(no_mangle)]
extern "C" fn main() -> i32 {
    0
}
