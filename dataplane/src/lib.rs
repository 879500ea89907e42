//! The data plane of Rust Edge Gateway: where requests meet handler libraries.
//!
//! - [`library`]: installing, loading and calling handler libraries (`cdylib`s built against
//!   `rust_edge_gateway_sdk`) under the ABI contract of `rust_edge_gateway_sdk::abi`:
//!   fingerprint check, one allocator, panics contained, unique paths, close after drain.
//! - [`host`]: what the gateway offers a loaded library through its vtable: service calls
//!   (bridged to the control side), timers and logging.
//! - [`alloc`]: mimalloc as the global allocator, shared with every library.
//! - [`blocking`]: the thread pool that runs synchronous handlers off the I/O workers.
//!
//! - [`http`]: HTTP/1.1 parsing and encoding, hardened against request smuggling.
//! - [`router`]: (Host, method, path) to endpoint, static segments before `{params}`.
//! - [`request`]: the handler's `Request` built from a parsed head.
//! - [`metrics`]: per-endpoint request, error and latency counters.
//! - [`protections`]: counters of deadline closes, 413s, buffer-cap 503s, refused accepts.
//! - [`registry`]: endpoints and handler versions, RCU snapshots per core, draining.
//! - [`watchdog`]: detects a worker blocked by a handler that does not yield, takes its
//!   listener out of the reuseport group and quarantines the endpoint ([`quarantine`]).
//! - [`crash_record`]: remembers which handler version a fatal signal killed the process in.
//! - [`tls`]: TLS termination (rustls), certificates chosen by SNI.
//! - [`Dataplane`]: the worker threads (one monoio runtime per core) serving it all.

mod access_log;
pub mod alloc;
pub mod blocking;
pub mod config;
pub mod crash_record;
pub mod domain_policy;
pub mod error;
pub mod fd_limit;
pub mod host;
mod host_table;
pub mod http;
pub mod library;
pub mod metrics;
pub mod protections;
pub mod quarantine;
pub mod registry;
pub mod request;
pub mod router;
mod server;
pub mod tls;
pub mod watchdog;

pub use config::{DataplaneConfig, UringSetup};
pub use error::LoadError;
pub use server::{Dataplane, StartError};
