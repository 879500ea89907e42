//! What one worker core owns: its current routing snapshot (adopted from its inbox between
//! requests), its connection count, its request-id sequence, its connections' deadline
//! table (with the coarse clock) and its pool of output buffers.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_channel::Receiver;

use crate::blocking::BlockingPool;
use crate::config::DataplaneConfig;
use crate::registry::Snapshot;

/// `n` as 16 lower-case hex digits.
fn hex(n: u64) -> [u8; 16] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 16];
    for (i, b) in out.iter_mut().enumerate() {
        *b = HEX[((n >> ((15 - i) * 4)) & 0xf) as usize];
    }
    out
}

/// An accepted connection counted against its worker's cap and its client's per-IP cap;
/// both counts are given back when it is dropped (the connection ended).
pub(crate) struct Admitted {
    core: Rc<CoreState>,
    _ip: Option<super::ip_cap::IpSlot>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.core.conns.set(self.core.conns.get().saturating_sub(1));
    }
}

/// Admits a connection from `peer` on `core` (plain and TLS listeners alike): `None`, and
/// the refusal counted, when the worker is at its cap or the client at its per-IP cap.
pub(crate) fn admit(core: &Rc<CoreState>, peer: std::net::IpAddr) -> Option<Admitted> {
    use crate::protections::Refusal;
    if core.conns.get() >= core.config.max_connections_per_worker {
        core.guards.counters.refused(Refusal::PerWorker);
        return None;
    }
    let Ok(ip) = core.per_ip.admit(peer) else {
        core.guards.counters.refused(Refusal::PerIp);
        return None;
    };
    core.conns.set(core.conns.get() + 1);
    Some(Admitted {
        core: Rc::clone(core),
        _ip: ip,
    })
}

/// Per-core state, shared by the core's tasks through an `Rc`.
///
/// The snapshot is held as `Rc<Arc<Snapshot>>` on purpose: each request clones the `Rc`
/// (a plain increment on this core) instead of the `Arc` (an atomic on a cache line every
/// core shares).
#[allow(clippy::redundant_allocation)]
pub(crate) struct CoreState {
    pub index: usize,
    pub config: Arc<DataplaneConfig>,
    pub pool: Arc<BlockingPool>,
    pub shutdown: Arc<AtomicBool>,
    pub conns: Cell<usize>,
    inbox: Receiver<Arc<Snapshot>>,
    epoch: Arc<AtomicU64>,
    seen: Cell<u64>,
    current: RefCell<Rc<Arc<Snapshot>>>,
    ids: Cell<u64>,
    /// The first 16 hex digits of every request id of this core, formatted once.
    id_prefix: [u8; 16],
    canceller: Cell<Option<monoio::io::Canceller>>,
    pub heartbeat: Arc<crate::watchdog::Heartbeat>,
    pub watchdog: Arc<crate::watchdog::Watchdog>,
    pub access: Option<crate::access_log::AccessLog>,
    pub deadlines: Rc<super::deadline::Deadlines>,
    pub buffers: Rc<super::session::BufferPool>,
    /// This worker's byte budget and the shared protection counters.
    pub guards: Rc<super::budget::WorkerGuards>,
    /// Open connections per client IP, shared by every worker.
    pub per_ip: Arc<super::ip_cap::IpConnections>,
}

impl CoreState {
    pub fn new(
        index: usize,
        config: Arc<DataplaneConfig>,
        pool: Arc<BlockingPool>,
        shutdown: Arc<AtomicBool>,
        inbox: Receiver<Arc<Snapshot>>,
        epoch: Arc<AtomicU64>,
        watchdog: Arc<crate::watchdog::Watchdog>,
    ) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let buffered_cap = config.max_buffered_bytes_per_worker;
        CoreState {
            index,
            config,
            pool,
            shutdown,
            conns: Cell::new(0),
            inbox,
            epoch,
            seen: Cell::new(u64::MAX),
            current: RefCell::new(Rc::new(Arc::new(Snapshot::default()))),
            ids: Cell::new(0),
            id_prefix: hex(nanos ^ ((index as u64) << 56) ^ u64::from(std::process::id())),
            canceller: Cell::new(Some(monoio::io::Canceller::new())),
            heartbeat: watchdog.heartbeat(index),
            watchdog,
            access: None,
            deadlines: super::deadline::Deadlines::new(),
            buffers: Rc::default(),
            guards: Rc::new(super::budget::WorkerGuards::new(
                buffered_cap,
                Arc::default(),
            )),
            per_ip: super::ip_cap::IpConnections::new(0),
        }
    }

    /// Counts into `counters` (shared by every worker) and caps connections per IP through
    /// `per_ip` (shared too).
    pub fn with_guards(
        mut self,
        counters: Arc<crate::protections::ProtectionCounters>,
        per_ip: Arc<super::ip_cap::IpConnections>,
    ) -> Self {
        self.guards = Rc::new(super::budget::WorkerGuards::new(
            self.config.max_buffered_bytes_per_worker,
            counters,
        ));
        self.per_ip = per_ip;
        self
    }

    /// Writes the access log through `file` (this worker's handle on the shared file).
    pub fn with_access_log(mut self, file: Option<std::fs::File>) -> Self {
        self.access = file.map(crate::access_log::AccessLog::new);
        self
    }

    /// A handle that shutdown cancels: used by the accept loop, so a stopping worker stops
    /// accepting at once (idle connections are ended through their deadlines). `None` once
    /// shutdown began.
    pub fn cancel_handle(&self) -> Option<monoio::io::CancelHandle> {
        let c = self.canceller.take();
        let h = c.as_ref().map(monoio::io::Canceller::handle);
        self.canceller.set(c);
        h
    }

    /// Cancels the accept on this core.
    pub fn cancel_all(&self) {
        if let Some(c) = self.canceller.take() {
            drop(c.cancel());
        }
    }

    /// The newest snapshot: adopts whatever the control side published since last time.
    /// Costs one relaxed load when nothing changed.
    #[allow(clippy::redundant_allocation)]
    pub fn snapshot(&self) -> Rc<Arc<Snapshot>> {
        let epoch = self.epoch.load(Ordering::Acquire);
        if epoch != self.seen.get() {
            let mut newest = None;
            while let Ok(s) = self.inbox.try_recv() {
                newest = Some(s);
            }
            if let Some(s) = newest {
                *self.current.borrow_mut() = Rc::new(s);
            }
            self.seen.set(epoch);
        }
        Rc::clone(&self.current.borrow())
    }

    /// Records a heartbeat for the watchdog.
    pub fn beat(&self) {
        self.heartbeat
            .beat_ms
            .store(self.watchdog.now_ms(), Ordering::Release);
    }

    /// A fresh request id, unique within this process run: the core's prefix and an
    /// 8-digit sequence formatted on the stack, then one exact-size allocation for the
    /// `String` the SDK's `Request` holds.
    pub fn next_request_id(&self) -> String {
        let n = self.ids.get().wrapping_add(1);
        self.ids.set(n);
        let mut id = [0u8; 24];
        id[..16].copy_from_slice(&self.id_prefix);
        id[16..].copy_from_slice(&hex(n)[8..]);
        std::str::from_utf8(&id).unwrap_or_default().to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_digits_are_most_significant_first() {
        assert_eq!(&super::hex(0x0123_4567_89ab_cdef), b"0123456789abcdef");
        assert_eq!(&super::hex(0xff)[8..], b"000000ff");
    }
}
