//! Endpoints taken out of service because one of their calls held a worker too long.
//!
//! The watchdog quarantines an endpoint once a worker has been stuck in one of its handler
//! calls past `DataplaneConfig::quarantine_threshold`: from then on every worker answers
//! its requests with 503 and the reason at once, so the handler cannot take a second
//! worker. An explicit deploy or start lifts it ([`Quarantine::lift`]).
//!
//! The request path pays one relaxed load while nothing is quarantined; only while an
//! endpoint is, a lookup takes a read lock shared by the cores.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::RwLock;
use std::time::{Duration, SystemTime};

/// Why and since when an endpoint is quarantined.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Quarantined {
    /// What the 503 body and the admin API say.
    pub reason: String,
    /// The worker the stuck call runs on.
    pub worker: usize,
    /// When the quarantine began (milliseconds since the Unix epoch).
    pub since_ms: u64,
}

/// The quarantined endpoints (by scope) and the counters `/metrics` shows.
#[derive(Debug, Default)]
pub struct Quarantine {
    active: AtomicUsize,
    entries: RwLock<HashMap<u64, Quarantined>>,
    quarantines: AtomicU64,
    rejected: AtomicU64,
}

impl Quarantine {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<u64, Quarantined>> {
        self.entries.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<u64, Quarantined>> {
        self.entries.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Quarantines the endpoint of `scope`, whose call has been running for `running` on
    /// `worker`. Whether it was not quarantined before.
    pub fn add(&self, scope: u64, worker: usize, running: Duration) -> bool {
        let mut entries = self.write();
        if entries.contains_key(&scope) {
            return false;
        }
        let since_ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let secs = running.as_secs_f64();
        entries.insert(
            scope,
            Quarantined {
                reason: format!(
                    "endpoint quarantined: a request has been running for {secs:.0} s on worker {worker}; deploy or start it again to lift this"
                ),
                worker,
                since_ms,
            },
        );
        self.active.store(entries.len(), Ordering::Release);
        self.quarantines.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Quarantines the endpoint of `scope` for a reason decided elsewhere (another node of
    /// a cluster quarantined it). Whether it was not quarantined before.
    pub fn hold(&self, scope: u64, reason: String, since_ms: u64) -> bool {
        let mut entries = self.write();
        if entries.contains_key(&scope) {
            return false;
        }
        entries.insert(
            scope,
            Quarantined {
                reason,
                worker: usize::MAX,
                since_ms,
            },
        );
        self.active.store(entries.len(), Ordering::Release);
        true
    }

    /// Every quarantine in force, by scope.
    pub fn entries(&self) -> Vec<(u64, Quarantined)> {
        self.read().iter().map(|(s, q)| (*s, q.clone())).collect()
    }

    /// Lifts the quarantine of `scope` (an explicit deploy or start). Whether it was
    /// quarantined.
    pub fn lift(&self, scope: u64) -> bool {
        let mut entries = self.write();
        let lifted = entries.remove(&scope).is_some();
        self.active.store(entries.len(), Ordering::Release);
        lifted
    }

    /// The quarantine of `scope`, if any.
    pub fn get(&self, scope: u64) -> Option<Quarantined> {
        if self.active.load(Ordering::Acquire) == 0 {
            return None;
        }
        self.read().get(&scope).cloned()
    }

    /// On the request path: the reason to refuse a request to `scope`, counted as a
    /// rejection; `None` (one relaxed load) while nothing is quarantined.
    pub fn refuse(&self, scope: u64) -> Option<String> {
        if self.active.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let reason = self.read().get(&scope).map(|q| q.reason.clone())?;
        self.rejected.fetch_add(1, Ordering::Relaxed);
        Some(reason)
    }

    /// Endpoints quarantined since start.
    pub fn quarantines(&self) -> u64 {
        self.quarantines.load(Ordering::Relaxed)
    }

    /// Requests answered 503 because their endpoint was quarantined.
    pub fn rejected(&self) -> u64 {
        self.rejected.load(Ordering::Relaxed)
    }

    /// Endpoints quarantined right now.
    pub fn active(&self) -> usize {
        self.active.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarantine_refuses_until_lifted_and_counts() {
        let q = Quarantine::default();
        assert_eq!(q.refuse(3), None);
        assert!(q.add(3, 1, Duration::from_millis(5_020)));
        assert!(!q.add(3, 0, Duration::from_secs(9)), "added once");
        let reason = q.refuse(3).expect("refused");
        assert!(reason.contains("running for 5 s on worker 1"), "{reason}");
        assert_eq!(q.refuse(4), None, "other endpoints serve");
        assert_eq!((q.quarantines(), q.rejected(), q.active()), (1, 1, 1));
        assert!(q.lift(3));
        assert_eq!((q.refuse(3), q.active()), (None, 0));
        assert!(!q.lift(3));
    }
}
