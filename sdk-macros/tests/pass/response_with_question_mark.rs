//! Only the request, returning `Response`, with `?` inside.
#![no_main]
#![deny(warnings)]
use rust_edge_gateway_sdk::prelude::*;

#[handler]
async fn handle(req: Request) -> Response {
    let id: u64 = req.require_path_param("id")?;
    if id == 0 {
        return Response::ok(json!({ "zero": true }));
    }
    Response::ok(json!({ "id": id }))
}

// A handler library's allocator forwards to the gateway's and aborts if used before the
// gateway installs it, and Rust's own `main` allocates while starting: a C `main` stands in.
#[unsafe(no_mangle)]
extern "C" fn main() -> i32 {
    0
}
