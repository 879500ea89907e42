//! Criterion benchmarks of Rust Edge Gateway (in `benches/`), each measured against a
//! baseline in the same run. Run them with `cargo bench -p rust-edge-gateway-benches`.
//!
//! - `handler_call`: one request through a loaded handler library (build the Request, call
//!   the entry, poll, take and drop the Response) against the same handler source compiled
//!   into the benchmark and awaited directly.
