//! `#[handler]`: turns a function into the entry point of a Rust Edge Gateway handler
//! library. Re-exported by `rust_edge_gateway_sdk`; see that crate for the handler rules.
//!
//! The parsing and expansion live in `handler.rs`; the rewrite that lets `?` work in a
//! function returning `Response` lives in `returns.rs`.

mod handler;
mod returns;

use proc_macro::TokenStream;

/// Marks the library's handler function.
///
/// Accepted signatures (any function name):
/// - `async fn(ctx: &Context, req: Request) -> Response`
/// - `async fn(ctx: &Context, req: Request) -> Result<Response, HandlerError>`
/// - the same with only `req: Request`, and synchronous `fn`s (run where they may block).
///
/// In a function returning `Response`, `?` works on any error convertible into
/// `HandlerError`, and yields that error's response.
///
/// Misuse (a method, generics, a wrong argument count, order or type, a wrong or missing
/// return type, `impl Trait`) is a compile error at the offending part of the user's
/// signature that says what is expected; `tests/fail/` has one case of each.
#[proc_macro_attribute]
pub fn handler(attr: TokenStream, item: TokenStream) -> TokenStream {
    handler::expand(attr.into(), item.into()).into()
}
