//! Shared support for the end-to-end tests: building the fixture handler crates, loading
//! them into this process the way the gateway does, and driving them.
//!
//! The test binaries use mimalloc as their global allocator, like the gateway, so the
//! allocator seam is exercised exactly as in production.

pub mod fixtures;
pub mod harness;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
