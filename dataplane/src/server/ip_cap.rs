//! The optional per-client-IP connection cap, shared by every worker: a sharded map from
//! IP address to its open connections (a small mutex per shard, taken once at accept and
//! once at close, and only when the cap is on). A connection over its IP's cap is closed at
//! accept. Addresses are counted whole (an IPv6 client with many addresses of one /64 is
//! as many clients).

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

const SHARDS: usize = 64;

/// Open connections per client IP, across workers.
#[derive(Debug)]
pub(crate) struct IpConnections {
    cap: usize,
    hasher: RandomState,
    shards: Box<[Mutex<HashMap<IpAddr, usize>>]>,
}

/// One connection counted against its IP; counted out on drop.
#[derive(Debug)]
pub(crate) struct IpSlot {
    map: Arc<IpConnections>,
    ip: IpAddr,
}

impl IpConnections {
    /// A map allowing `cap` connections per IP (0: no cap, nothing is counted).
    pub fn new(cap: usize) -> Arc<Self> {
        Arc::new(IpConnections {
            cap,
            hasher: RandomState::new(),
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        })
    }

    fn shard(&self, ip: &IpAddr) -> &Mutex<HashMap<IpAddr, usize>> {
        let i = self.hasher.hash_one(ip) as usize % SHARDS;
        &self.shards[i]
    }

    /// Counts a new connection from `ip`: `Ok(None)` when there is no cap, `Ok(Some(slot))`
    /// when it is within it, `Err(())` when `ip` is at its cap.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Option<IpSlot>, ()> {
        if self.cap == 0 {
            return Ok(None);
        }
        let mut shard = self.shard(&ip).lock().unwrap_or_else(|e| e.into_inner());
        let n = shard.entry(ip).or_insert(0);
        if *n >= self.cap {
            return Err(());
        }
        *n += 1;
        Ok(Some(IpSlot {
            map: Arc::clone(self),
            ip,
        }))
    }

    /// Connections open from `ip` (tests).
    #[cfg(test)]
    fn open(&self, ip: IpAddr) -> usize {
        let shard = self.shard(&ip).lock().unwrap_or_else(|e| e.into_inner());
        shard.get(&ip).copied().unwrap_or(0)
    }
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        let mut shard = self
            .map
            .shard(&self.ip)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = shard.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                shard.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_each_ip_and_forgets_closed_connections() {
        let map = IpConnections::new(2);
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        let b: IpAddr = "10.0.0.2".parse().expect("ip");
        let first = map.admit(a).expect("1 of 2");
        let second = map.admit(a).expect("2 of 2");
        assert!(map.admit(a).is_err(), "a third from one IP is refused");
        assert!(map.admit(b).expect("another IP").is_some());
        drop(first);
        assert_eq!(map.open(a), 1);
        let third = map.admit(a).expect("room again");
        drop((second, third));
        assert_eq!(map.open(a), 0);
    }

    #[test]
    fn no_cap_counts_nothing() {
        let map = IpConnections::new(0);
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        assert!(map.admit(a).expect("no cap").is_none());
        assert_eq!(map.open(a), 0);
    }
}
