//! Detects a worker blocked by a handler that does not yield (a busy loop, a blocking call
//! in an async handler), and keeps it from taking more than itself.
//!
//! Each worker bumps a heartbeat every 10 ms from a timer task, and records which endpoint
//! it is polling. The drain thread checks the heartbeats. A worker silent for longer than
//! the threshold (500 ms) is:
//!
//! - reported once per stall with the endpoint it was running;
//! - taken out of the SO_REUSEPORT group, as long as another worker still listens: the
//!   connections waiting in its accept queue are accepted here and handed to the listening
//!   workers, then its listening socket is shut down, so the kernel sends new connections
//!   to the others only. A worker that recovers binds a new listener and rejoins.
//!
//! A worker stuck in one handler call past the quarantine threshold (5 s) quarantines that
//! endpoint ([`crate::quarantine`]): its requests answer 503 at once on every worker. A
//! thread-per-core worker cannot be preempted, so the stuck call itself runs on; the
//! connections that worker had already accepted wait for it.

use std::net::TcpStream;
use std::os::fd::FromRawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

use crate::quarantine::Quarantine;

/// What one worker shares with the watchdog. Its worker writes `polling` twice per
/// request, so each heartbeat has cache lines of its own (two workers' heartbeats side by
/// side in one line would bounce it between their cores on every request).
#[derive(Debug)]
#[repr(align(128))]
pub struct Heartbeat {
    /// Milliseconds since the dataplane started, as of the worker's last tick.
    pub beat_ms: AtomicU64,
    /// Scope + 1 of the endpoint being polled (0: none).
    pub polling: AtomicU64,
    /// Stalls detected on this worker.
    pub stalls: AtomicU64,
    /// Scope + 1 of the endpoint polled during the last stall (0: none).
    pub last_stall_scope: AtomicU64,
    /// The worker's listening socket (-1: none).
    pub listen_fd: AtomicI32,
    /// Set when the watchdog shut the listening socket down: the worker binds a new one
    /// once it runs again.
    pub listener_removed: AtomicBool,
    /// Connections accepted for this worker from a stuck worker's queue.
    pub handoff: Sender<TcpStream>,
    /// The worker's end of `handoff`, drained on its 10 ms tick.
    pub handed: Receiver<TcpStream>,
}

impl Default for Heartbeat {
    fn default() -> Self {
        let (handoff, handed) = crossbeam_channel::unbounded();
        Heartbeat {
            beat_ms: AtomicU64::new(0),
            polling: AtomicU64::new(0),
            stalls: AtomicU64::new(0),
            last_stall_scope: AtomicU64::new(0),
            listen_fd: AtomicI32::new(-1),
            listener_removed: AtomicBool::new(false),
            handoff,
            handed,
        }
    }
}

/// What the watchdog did about one worker's current stall.
#[derive(Debug, Default, Clone, Copy)]
pub struct StallState {
    reported: bool,
    quarantined: bool,
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
    /// Whether its listener is in the reuseport group (false while the watchdog took it
    /// out).
    pub listening: bool,
}

/// The clock and per-worker heartbeats.
#[derive(Debug)]
pub struct Watchdog {
    start: Instant,
    threshold: Duration,
    quarantine_threshold: Duration,
    workers: Vec<Arc<Heartbeat>>,
    quarantine: Arc<Quarantine>,
    removed_listeners: AtomicU64,
    handed_off: AtomicU64,
}

impl Watchdog {
    /// A watchdog for `n` workers reporting silences longer than `threshold` and
    /// quarantining endpoints whose call held a worker longer than `quarantine_threshold`.
    pub fn new(n: usize, threshold: Duration, quarantine_threshold: Duration) -> Self {
        Watchdog {
            start: Instant::now(),
            threshold,
            quarantine_threshold,
            workers: (0..n).map(|_| Arc::default()).collect(),
            quarantine: Arc::default(),
            removed_listeners: AtomicU64::new(0),
            handed_off: AtomicU64::new(0),
        }
    }

    /// The quarantined endpoints.
    pub fn quarantine(&self) -> &Arc<Quarantine> {
        &self.quarantine
    }

    /// Listeners taken out of the reuseport group since start.
    pub fn removed_listeners(&self) -> u64 {
        self.removed_listeners.load(Ordering::Relaxed)
    }

    /// Connections accepted from stuck workers' queues and handed to others since start.
    pub fn handed_off(&self) -> u64 {
        self.handed_off.load(Ordering::Relaxed)
    }

    /// Worker `i`'s heartbeat.
    pub fn heartbeat(&self, i: usize) -> Arc<Heartbeat> {
        Arc::clone(&self.workers[i])
    }

    /// Milliseconds on the watchdog's clock.
    pub fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Checks every worker once: logs and counts new stalls, takes stalled workers out of
    /// the reuseport group, quarantines endpoints stuck past the quarantine threshold.
    pub fn check(&self, state: &mut [StallState]) {
        let now = self.now_ms();
        let threshold = self.threshold.as_millis() as u64;
        let silences: Vec<u64> = self
            .workers
            .iter()
            .map(|hb| now.saturating_sub(hb.beat_ms.load(Ordering::Acquire)))
            .collect();
        for (i, hb) in self.workers.iter().enumerate() {
            let Some(st) = state.get_mut(i) else { break };
            let silent = silences[i];
            if silent <= threshold {
                *st = StallState::default();
                continue;
            }
            let polling = hb.polling.load(Ordering::Acquire);
            if !st.reported {
                st.reported = true;
                hb.stalls.fetch_add(1, Ordering::Relaxed);
                hb.last_stall_scope.store(polling, Ordering::Release);
                tracing::error!(
                    worker = i,
                    silent_ms = silent,
                    endpoint_scope = polling.checked_sub(1),
                    "dataplane worker blocked: a handler is not yielding; requests on this worker wait"
                );
            }
            if !hb.listener_removed.load(Ordering::Acquire) {
                self.remove_listener(i, &silences);
            }
            let stuck = Duration::from_millis(silent);
            if !st.quarantined && stuck > self.quarantine_threshold {
                if let Some(scope) = polling.checked_sub(1) {
                    st.quarantined = true;
                    if self.quarantine.add(scope, i, stuck) {
                        tracing::error!(
                            worker = i,
                            silent_ms = silent,
                            endpoint_scope = scope,
                            "endpoint quarantined: one of its calls has held a worker past the quarantine threshold; its requests get 503 until it is deployed or started again"
                        );
                    }
                }
            }
        }
    }

    /// Takes stalled worker `i`'s listener out of the reuseport group, unless no other
    /// worker listens: hands the connections in its accept queue to the listening workers,
    /// then shuts the socket down.
    fn remove_listener(&self, i: usize, silences: &[u64]) {
        let threshold = self.threshold.as_millis() as u64;
        let healthy: Vec<&Arc<Heartbeat>> = self
            .workers
            .iter()
            .enumerate()
            .filter(|(j, hb)| {
                *j != i
                    && silences.get(*j).is_some_and(|s| *s <= threshold)
                    && hb.listen_fd.load(Ordering::Acquire) >= 0
                    && !hb.listener_removed.load(Ordering::Acquire)
            })
            .map(|(_, hb)| hb)
            .collect();
        let hb = &self.workers[i];
        let fd = hb.listen_fd.load(Ordering::Acquire);
        if healthy.is_empty() || fd < 0 {
            return;
        }
        hb.listener_removed.store(true, Ordering::Release);
        // The stuck worker cannot touch its listener meanwhile; the socket is shut down
        // right after, so making it non-blocking here changes nothing it will see.
        // SAFETY: fcntl, accept4 and shutdown on the worker's listening socket, which it
        // keeps open (it only closes it after binding a new one, once it runs again).
        let moved = unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
            let mut moved = 0usize;
            loop {
                let conn = libc::accept4(
                    fd,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    libc::SOCK_CLOEXEC,
                );
                if conn < 0 {
                    break;
                }
                let stream = TcpStream::from_raw_fd(conn);
                let to = healthy[moved % healthy.len()];
                if to.handoff.send(stream).is_ok() {
                    moved += 1;
                }
            }
            libc::shutdown(fd, libc::SHUT_RDWR);
            moved
        };
        self.removed_listeners.fetch_add(1, Ordering::Relaxed);
        self.handed_off.fetch_add(moved as u64, Ordering::Relaxed);
        tracing::warn!(
            worker = i,
            handed_off = moved,
            "blocked worker taken out of the listening group: new connections go to the other workers"
        );
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
                    listening: hb.listen_fd.load(Ordering::Acquire) >= 0
                        && !hb.listener_removed.load(Ordering::Acquire),
                }
            })
            .collect()
    }
}
