//! The control side of Rust Edge Gateway and the `rust-edge-gateway` binary (`main.rs`).
//!
//! - [`cli`]: flags and their environment variables.
//! - [`store`]: the SQLite config store (sqlx, migrations in `admin/migrations`).
//! - [`compiler`]: one cargo crate per endpoint, one shared target dir, a build queue.
//! - [`serving`]: loading compiled endpoints into the dataplane registry (hot swap).
//! - [`boot`]: serving again, after a restart, every endpoint that was running.
//! - [`logs`]: per-endpoint buffers of what handlers print and every panic.
//! - [`openapi`]: reading OpenAPI 3.x documents for the import.
//! - [`bundle`]: reading ZIP import bundles safely.
//! - [`api`]: the management API (axum) on the admin port.
//! - [`ui`]: the admin UI at `/admin/`, embedded.

pub mod actors;
pub mod api;
pub mod boot;
pub mod bundle;
pub mod cli;
pub mod client;
pub mod compiler;
pub mod logs;
pub mod openapi;
pub mod serving;
pub mod store;
pub mod ui;
