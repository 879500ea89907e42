//! Service actors of Rust Edge Gateway: the backends handlers reach through `ctx.database()`,
//! `ctx.cache()`, `ctx.storage()`, `ctx.ftp()`, `ctx.email()` and the synchronous `*Pool` /
//! `Storage` API.
//!
//! - [`ServiceHub`] knows the services, runs one actor per *active* service on the control
//!   runtime, and resolves a handler's name through the endpoint's bindings (`pool_id`) and,
//!   failing that, the service name ([`ServiceHub::submit`]).
//! - Each actor (`actor`) owns its client, reads a bounded queue (a full queue answers 503 at
//!   once: backpressure), runs at most `pool_size` operations at a time, each under the
//!   service's timeout, and finishes queued work before it stops.
//! - `backends/` holds one module per client: `sql` (sqlx: PostgreSQL, MySQL, SQLite),
//!   `redis` (fred), `memcached` (memcache-async), `s3` (rust-s3), `ftp` (suppaftp, FTP and
//!   FTPS), `sftp` (russh-sftp), `smtp` (lettre).
//! - [`config`] parses the stored JSON with the documented fields and defaults.
//!
//! A backend that is down gives handlers `Unavailable` (503, with the reason); clients
//! reconnect by themselves, so service resumes when the backend does.

#![warn(missing_docs)]

mod actor;
mod backends;
pub mod config;
mod error;
mod hub;

pub use actor::{CallStats, Reply};
pub use backends::check_object_key;
pub use config::ServiceConfig;
pub use error::ServiceError;
pub use hub::{kind_of, ServiceDef, ServiceHub, ServiceStats, TestOutcome};
