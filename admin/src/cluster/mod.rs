//! Cluster mode: several gateway nodes on one PostgreSQL config store (`--store`) and one
//! bucket of handler libraries (`--artifacts`).
//!
//! Every node serves traffic from its own memory; the store is on the control path only.
//! A change made through any node's API is written to the store; the store's triggers
//! `NOTIFY reg_changes`, and every node [reconciles](sync) what it serves against the
//! store: at once on a notification, and on a timer as the backstop for a lost one (a
//! dropped connection, a restarted PostgreSQL). Each node upserts its row in the `nodes`
//! table on a heartbeat ([`nodes`]), which `GET /api/nodes` lists. What a node last
//! reconciled is cached in its data dir ([`cache`]), so a node that starts while the store
//! is unreachable serves that and says so in `GET /api/health`.

pub mod cache;
pub mod certificates;
pub mod nodes;
pub mod quarantine;
pub mod sealing;
pub mod services;
pub mod sync;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// This node, as the others see it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NodeInfo {
    /// `--node-id` (default: host name and gateway port).
    pub id: String,
    /// Where its gateway port listens.
    pub gateway_address: String,
    /// Where its admin API listens.
    pub admin_address: String,
    /// The gateway's version.
    pub version: String,
    /// Its handler ABI fingerprint.
    pub fingerprint: String,
    /// When it started (RFC 3339).
    pub started_at: String,
}

/// The default node id: the host name and the gateway port (`web-1:9080`).
pub fn default_node_id(gateway_port: u16) -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname(2) writes at most `buf.len()` bytes into the buffer we own.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let host = if rc == 0 {
        let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        "localhost".to_string()
    };
    format!("{host}:{gateway_port}")
}

/// How this node's link to the store is, for `GET /api/health`.
#[derive(Debug, Default)]
pub struct ClusterHealth {
    store_reachable: AtomicBool,
    serving_cached: AtomicBool,
    reconciles: AtomicU64,
    notifications: AtomicU64,
    last: Mutex<Last>,
}

#[derive(Debug, Default, Clone)]
struct Last {
    reconcile_at: Option<String>,
    error: Option<String>,
    cached_at: Option<String>,
}

impl ClusterHealth {
    fn last(&self) -> std::sync::MutexGuard<'_, Last> {
        self.last.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The store answered.
    pub fn reachable(&self) {
        self.store_reachable.store(true, Ordering::Relaxed);
    }

    /// A reconcile against the store succeeded.
    pub fn reconciled(&self) {
        self.store_reachable.store(true, Ordering::Relaxed);
        self.serving_cached.store(false, Ordering::Relaxed);
        self.reconciles.fetch_add(1, Ordering::Relaxed);
        let mut last = self.last();
        last.reconcile_at = Some(crate::store::now());
        last.error = None;
    }

    /// The store could not be reached.
    pub fn unreachable(&self, error: &str) {
        self.store_reachable.store(false, Ordering::Relaxed);
        self.last().error = Some(error.to_string());
    }

    /// A reconcile failed with the store reachable (a row this node cannot read).
    pub fn failed(&self, error: &str) {
        self.last().error = Some(error.to_string());
    }

    /// The node serves the state it cached at `cached_at` (the store was unreachable at
    /// boot).
    pub fn serving_cache(&self, cached_at: &str) {
        self.serving_cached.store(true, Ordering::Relaxed);
        self.last().cached_at = Some(cached_at.to_string());
    }

    /// A change notification arrived.
    pub fn notified(&self) {
        self.notifications.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether the last contact with the store worked.
    pub fn store_reachable(&self) -> bool {
        self.store_reachable.load(Ordering::Relaxed)
    }

    /// The figures as JSON.
    pub fn snapshot(&self) -> serde_json::Value {
        let last = self.last().clone();
        let cached = self.serving_cached.load(Ordering::Relaxed);
        serde_json::json!({
            "store_reachable": self.store_reachable(),
            "serving_cached_state": cached,
            "cached_state_from": if cached { last.cached_at } else { None },
            "reconciles": self.reconciles.load(Ordering::Relaxed),
            "notifications": self.notifications.load(Ordering::Relaxed),
            "last_reconcile_at": last.reconcile_at,
            "last_error": last.error,
        })
    }
}
