//! The v1 API's synchronous handlers and clients: `handler_loop!` handlers and the `*Pool` clients.
//!
//! These calls block the calling thread until the service answers, so handlers using them
//! are exported as [`HandlerEntry::Blocking`](crate::abi::HandlerEntry::Blocking) and the
//! gateway runs them where blocking cannot stall a worker. In an `async` handler use
//! [`Context`](crate::Context) instead.

mod pools;
mod storage;

pub use pools::{DbPool, DbResult, EmailPool, FtpPool, RedisPool};
pub use storage::Storage;
