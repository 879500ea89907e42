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
//! The HTTP workers, router and per-core registries build on these.

pub mod alloc;
pub mod blocking;
pub mod error;
pub mod host;
pub mod library;

pub use error::LoadError;
