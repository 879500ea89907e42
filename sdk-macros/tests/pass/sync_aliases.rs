//! A plain `fn` taking the context, with a path-qualified `Context` and type aliases for
//! the request and the result (a `Result` whose error converts into `HandlerError`): the
//! type checks see through aliases and paths.
#![no_main]
#![deny(warnings)]
use rust_edge_gateway_sdk::prelude::*;

type Req = Request;
type Reply = Result<rust_edge_gateway_sdk::Response, String>;

fn inner(req: &Req) -> Result<u64, HandlerError> {
    req.require_path_param("id")
}

#[handler]
pub fn handle(_ctx: &rust_edge_gateway_sdk::Context, req: Req) -> Reply {
    let id = inner(&req).map_err(|e| e.to_string())?;
    Ok(Response::ok(json!({ "id": id })))
}

// A handler library's allocator forwards to the gateway's and aborts if used before the
// gateway installs it, and Rust's own `main` allocates while starting: a C `main` stands in.
#[unsafe(no_mangle)]
extern "C" fn main() -> i32 {
    0
}
