//! Detects a worker blocked by a handler that does not yield (a busy loop, a blocking call
//! in an async handler).
//!
//! Each worker bumps a heartbeat every 10 ms from a timer task, and records which endpoint
//! it is polling. A watchdog thread checks the heartbeats; a worker silent for longer than
//! the threshold is reported once per stall with the endpoint it was running. Requests on
//! the other workers keep being served meanwhile: a thread-per-core worker cannot be
//! preempted, so detection and reporting is what can be done.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one worker shares with the watchdog.
#[derive(Debug, Default)]
pub struct Heartbeat {
    /// Milliseconds since the dataplane started, as of the worker's last tick.
    pub beat_ms: AtomicU64,
    /// Scope + 1 of the endpoint being polled (0: none).
    pub polling: AtomicU64,
    /// Stalls detected on this worker.
    pub stalls: AtomicU64,
    /// Scope + 1 of the endpoint polled during the last stall (0: none).
    pub last_stall_scope: AtomicU64,
}

/// A worker's health as the watchdog sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WorkerHealth {
    /// Worker index.
    pub worker: usize,
    /// Milliseconds since its last heartbeat.
    pub silent_ms: u64,
    /// Whether it is blocked right now (silent beyond the threshold).
    pub blocked: bool,
    /// Stalls detected so far.
    pub stalls: u64,
    /// Scope of the endpoint it was running during the last stall.
    pub last_stall_scope: Option<u64>,
}

/// The clock and per-worker heartbeats.
#[derive(Debug)]
pub struct Watchdog {
    start: Instant,
    threshold: Duration,
    workers: Vec<Arc<Heartbeat>>,
}

impl Watchdog {
    /// A watchdog for `n` workers reporting silences longer than `threshold`.
    pub fn new(n: usize, threshold: Duration) -> Self {
        Watchdog {
            start: Instant::now(),
            threshold,
            workers: (0..n).map(|_| Arc::default()).collect(),
        }
    }

    /// Worker `i`'s heartbeat.
    pub fn heartbeat(&self, i: usize) -> Arc<Heartbeat> {
        Arc::clone(&self.workers[i])
    }

    /// Milliseconds on the watchdog's clock.
    pub fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Checks every worker once; logs and counts new stalls.
    pub fn check(&self, reported: &mut [bool]) {
        let now = self.now_ms();
        for (i, hb) in self.workers.iter().enumerate() {
            let silent = now.saturating_sub(hb.beat_ms.load(Ordering::Acquire));
            let blocked = silent > self.threshold.as_millis() as u64;
            if blocked && !reported[i] {
                reported[i] = true;
                let polling = hb.polling.load(Ordering::Acquire);
                hb.stalls.fetch_add(1, Ordering::Relaxed);
                hb.last_stall_scope.store(polling, Ordering::Release);
                tracing::error!(
                    worker = i,
                    silent_ms = silent,
                    endpoint_scope = polling.checked_sub(1),
                    "dataplane worker blocked: a handler is not yielding; requests on this worker wait"
                );
            } else if !blocked {
                reported[i] = false;
            }
        }
    }

    /// Every worker's health.
    pub fn health(&self) -> Vec<WorkerHealth> {
        let now = self.now_ms();
        self.workers
            .iter()
            .enumerate()
            .map(|(worker, hb)| {
                let silent_ms = now.saturating_sub(hb.beat_ms.load(Ordering::Acquire));
                WorkerHealth {
                    worker,
                    silent_ms,
                    blocked: silent_ms > self.threshold.as_millis() as u64,
                    stalls: hb.stalls.load(Ordering::Relaxed),
                    last_stall_scope: hb.last_stall_scope.load(Ordering::Acquire).checked_sub(1),
                }
            })
            .collect()
    }
}
