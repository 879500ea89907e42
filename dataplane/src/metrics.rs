//! Per-endpoint request counters and latency histograms, one padded slot per core so that
//! cores never write to the same cache line.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Latency buckets: bucket `i` counts requests that took less than 2^i microseconds
/// (the last one: everything longer).
pub const BUCKETS: usize = 32;

#[derive(Debug)]
#[repr(align(128))]
struct Slot {
    requests: AtomicU64,
    ok: AtomicU64,
    client_errors: AtomicU64,
    server_errors: AtomicU64,
    latency_us: AtomicU64,
    buckets: [AtomicU64; BUCKETS],
}

impl Default for Slot {
    fn default() -> Self {
        Slot {
            requests: AtomicU64::new(0),
            ok: AtomicU64::new(0),
            client_errors: AtomicU64::new(0),
            server_errors: AtomicU64::new(0),
            latency_us: AtomicU64::new(0),
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }
}

/// Counters of one endpoint, kept across its versions.
#[derive(Debug)]
pub struct EndpointMetrics {
    cores: Box<[Slot]>,
}

/// A point-in-time sum over all cores.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MetricsSnapshot {
    /// Requests answered.
    pub requests: u64,
    /// Answers below 400 (counted on their own, so that this counter never steps back
    /// between two snapshots).
    pub ok: u64,
    /// Answers with a 4xx status.
    pub client_errors: u64,
    /// Answers with a 5xx status (handler errors, panics, timeouts).
    pub server_errors: u64,
    /// Sum of latencies, microseconds.
    pub latency_us_total: u64,
    /// Histogram: `buckets[i]` requests under 2^i µs.
    pub buckets: Vec<u64>,
}

impl MetricsSnapshot {
    /// Upper bound of the latency quantile `q` (0..=1), from the histogram.
    pub fn quantile(&self, q: f64) -> Duration {
        let total: u64 = self.buckets.iter().sum();
        if total == 0 {
            return Duration::ZERO;
        }
        let rank = ((total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Duration::from_micros(1u64 << i);
            }
        }
        Duration::from_micros(1u64 << (BUCKETS - 1))
    }

    /// Mean latency.
    pub fn mean(&self) -> Duration {
        Duration::from_micros(
            self.latency_us_total
                .checked_div(self.requests)
                .unwrap_or(0),
        )
    }
}

impl EndpointMetrics {
    /// Counters for `cores` cores.
    pub fn new(cores: usize) -> Self {
        EndpointMetrics {
            cores: (0..cores.max(1)).map(|_| Slot::default()).collect(),
        }
    }

    /// Records one answered request on `core`.
    pub fn record(&self, core: usize, status: u16, latency: Duration) {
        let slot = &self.cores[core.min(self.cores.len() - 1)];
        slot.requests.fetch_add(1, Ordering::Relaxed);
        match status {
            400..=499 => {
                slot.client_errors.fetch_add(1, Ordering::Relaxed);
            }
            500..=599 => {
                slot.server_errors.fetch_add(1, Ordering::Relaxed);
            }
            _ => {
                slot.ok.fetch_add(1, Ordering::Relaxed);
            }
        }
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        slot.latency_us.fetch_add(us, Ordering::Relaxed);
        let bucket = (u64::BITS - us.leading_zeros()) as usize;
        slot.buckets[bucket.min(BUCKETS - 1)].fetch_add(1, Ordering::Relaxed);
    }

    /// Sums every core.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let sum = |f: &dyn Fn(&Slot) -> &AtomicU64| {
            self.cores
                .iter()
                .map(|s| f(s).load(Ordering::Relaxed))
                .sum()
        };
        MetricsSnapshot {
            requests: sum(&|s| &s.requests),
            ok: sum(&|s| &s.ok),
            client_errors: sum(&|s| &s.client_errors),
            server_errors: sum(&|s| &s.server_errors),
            latency_us_total: sum(&|s| &s.latency_us),
            buckets: (0..BUCKETS)
                .map(|i| {
                    self.cores
                        .iter()
                        .map(|s| s.buckets[i].load(Ordering::Relaxed))
                        .sum()
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_quantiles() {
        let m = EndpointMetrics::new(2);
        for i in 0..98 {
            m.record(i % 2, 200, Duration::from_micros(100));
        }
        m.record(0, 404, Duration::from_micros(100));
        m.record(1, 503, Duration::from_millis(50));
        let s = m.snapshot();
        assert_eq!((s.requests, s.client_errors, s.server_errors), (100, 1, 1));
        assert_eq!(s.quantile(0.5), Duration::from_micros(128));
        assert!(s.quantile(1.0) >= Duration::from_millis(50));
        assert!(s.mean() > Duration::from_micros(100));
    }
}
