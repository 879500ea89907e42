//! # Rust Edge Gateway SDK
//!
//! Write HTTP handlers that the gateway compiles to a native library and calls directly,
//! with no IPC and no serialization:
//!
//! ```no_run
//! use rust_edge_gateway_sdk::prelude::*;
//!
//! #[handler]
//! pub async fn handle(ctx: &Context, req: Request) -> Response {
//!     Response::ok(json!({ "message": "Hello, World!", "path": req.path }))
//! }
//! # fn main() {}
//! ```
//!
//! ## The pieces
//! - [`Request`]: method, path, decoded query, headers (case-insensitive lookups), a
//!   binary-safe [`Body`], path parameters, client IP and request id, with typed accessors.
//! - [`Response`]: constructors for every common status and builders for headers, CORS and
//!   caching.
//! - [`HandlerError`]: errors that carry their HTTP status; `?` converts `serde_json`
//!   errors, `&str` and `String`.
//! - [`Context`]: the services bound to the endpoint (database, cache, object storage, email,
//!   FTP/SFTP), reached through the gateway's service actors.
//! - [`handler`]: the attribute that turns a function into the library's entry point. It
//!   accepts `async fn(&Context, Request)` (or just `(Request)`) returning `Response` or
//!   `Result<Response, HandlerError>`; in a function returning `Response`, `?` works too and
//!   an error becomes that error's response. Synchronous functions work as well.
//! - The v1 API, for existing code: [`handler_loop!`], [`handler_loop_result!`],
//!   [`handler_loop_async_result!`] and the blocking [`DbPool`](compat::DbPool),
//!   [`RedisPool`](compat::RedisPool), [`FtpPool`](compat::FtpPool),
//!   [`EmailPool`](compat::EmailPool) and [`Storage`](compat::Storage).
//!
//! ## Rules a handler lives by
//! - **Async without a runtime of its own.** The gateway polls handler futures on its own
//!   workers; a handler's copy of tokio has no reactor, so `tokio::time::sleep` or
//!   `tokio::spawn` panic inside a handler (`tokio::join!` and other runtime-free helpers
//!   are fine). Use [`sleep`](time::sleep), [`timeout`](time::timeout) and the [`Context`]
//!   services instead.
//! - **Synchronous handlers may block.** `#[handler]` on a plain `fn`, and the
//!   `handler_loop*!` macros for plain fns, export a *blocking* entry that the gateway runs
//!   off its I/O workers. `async` handlers must not block: use the async [`Context`] API.
//! - **Panics are contained.** A panic in a handler (when called, while polled, or in a
//!   destructor) becomes a 500 response for that request; the gateway keeps serving.
//! - **One handler per library.** Each endpoint is its own crate with one entry point.
//!
//! ## Where the product docs contradict themselves
//! - `Request::body` and `Response::body` are `Option<Body>`, not `Option<String>`, so
//!   binary uploads and downloads survive unchanged ([`Body`] keeps the string-like calls).
//! - `HandlerError::NotFound` is a unit variant with `NotFoundMessage(String)` beside it, as
//!   in the documented definition; examples writing `NotFound("...")` do not compile.
//! - SQL parameters are `&[&dyn SqlParam]` in both the async and the `DbPool` API
//!   (`&[&user_id]`, as in the product docs' "Query with Parameters"); write `&[&name]`, not
//!   `&[name]`. `query` always takes the parameter slice (`&[]` for none).
//! - `Storage::list(Some(f))` keeps records whose `status` is `f` on every backend.
//! - A `&str` or `String` error converted by `?` is a 500 (`InternalError`).

#![warn(missing_docs)]

#[doc(hidden)]
#[path = "rt.rs"]
pub mod __rt;
pub mod abi;
mod body;
pub mod compat;
mod context;
mod error;
mod macros;
mod multipart;
pub mod prelude;
mod request;
mod response;
pub mod services;
pub mod time;

pub use body::Body;
pub use context::Context;
pub use error::HandlerError;
pub use multipart::{MultipartData, MultipartFile};
pub use request::Request;
pub use response::Response;
pub use rust_edge_gateway_sdk_macros::handler;
pub use time::{sleep, timeout};

/// The calling endpoint's variable or secret `name`, for synchronous (v1-style) handlers
/// that have no [`Context`] at hand; `None` outside a handler call or when the endpoint has
/// none of that name. Async handlers use [`Context::var`].
pub fn var(name: &str) -> Option<String> {
    let scope = __rt::current_scope()?;
    (scope.host.var)(scope.scope, name)
}
