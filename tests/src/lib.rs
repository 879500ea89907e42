//! Shared support for the end-to-end tests: building the fixture handler crates, loading
//! them into this process the way the gateway does, and driving them.
//!
//! Linking the dataplane makes mimalloc the global allocator of every test binary, as in
//! the gateway, so the allocator seam is exercised exactly as in production.

pub mod fixtures;
pub mod harness;
pub mod http;
