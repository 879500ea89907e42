//! The control side of Rust Edge Gateway and the `rust-edge-gateway` binary (`main.rs`).
//!
//! - [`cli`]: flags and their environment variables.
//! - [`store`]: the config store, embedded SQLite or a cluster's PostgreSQL (sqlx,
//!   migrations in `admin/migrations`).
//! - [`cluster`]: cluster mode: heartbeat, change listener, reconcile, cached state.
//! - [`artifacts`]: handler libraries shared between nodes through an S3 bucket.
//! - [`compiler`]: one cargo crate per endpoint, one shared target dir, a build queue.
//! - [`serving`]: loading compiled endpoints into the dataplane registry (hot swap).
//! - [`lifecycle`]: compile, deploy, stop, re-route, restore and delete endpoints (the one
//!   place for that sequence).
//! - [`crash_boot`]: at boot, keeps the handler versions that crashed the gateway unloaded.
//! - [`route`]: the check of an endpoint's route and name.
//! - [`auth`]: the admin token (generated and kept in the data dir unless given).
//! - [`datadir`]: the data directory's permissions.
//! - [`logs`]: per-endpoint buffers of what handlers print and every panic.
//! - [`openapi`]: reading OpenAPI 3.x documents for the import.
//! - [`bundle`]: reading ZIP import bundles safely.
//! - [`certificates`]: TLS certificates (API and `--tls-cert-dir`) for the HTTPS listener.
//! - [`api`]: the management API (axum) on the admin port.
//! - [`config_doc`]: configuration as code (`export`, `apply`).
//! - [`dev_loop`]: `rust-edge-gateway dev`, redeploy on save with the logs streamed.
//! - [`ui`]: the admin UI at `/admin/`, embedded.

pub mod actors;
pub mod admin_tls;
pub mod api;
pub mod artifacts;
pub mod auth;
pub mod bundle;
pub mod certificates;
pub mod cli;
pub mod client;
pub mod cluster;
pub mod compiler;
pub mod config_doc;
pub mod crash_boot;
pub mod datadir;
pub mod dev_loop;
pub mod lifecycle;
pub mod logs;
pub mod openapi;
pub mod route;
pub mod serving;
pub mod store;
pub mod ui;
