//! Criterion benchmarks of Rust Edge Gateway (in `benches/`), each measured against a
//! baseline in the same run. Run them with `cargo bench -p rust-edge-gateway-benches`.
//!
//! - `handler_call`: one request through a loaded handler library (build the Request, call
//!   the entry, poll, take and drop the Response) against the same handler source compiled
//!   into the benchmark and awaited directly.

/// The tokio threads of the service benchmarks' control runtime: `CONTROL_THREADS`, or 2.
pub fn control_threads() -> usize {
    std::env::var("CONTROL_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(2)
}

/// Prints `ops_per_sec=<n> p50_us=<n> p99_us=<n>` for per-operation latencies in
/// microseconds over `elapsed` (the line `loadtest/services.sh` parses).
pub fn report_latencies(mut lat: Vec<u32>, elapsed: std::time::Duration) {
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    println!(
        "ops_per_sec={:.0} p50_us={} p99_us={}",
        lat.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99)
    );
}
