//! memcached through memcache-async (ASCII protocol): a few connections used round-robin;
//! a connection is reused only after a complete answer, so a timeout or an error never
//! leaves one out of step with its replies. Keys are checked
//! (1-250 bytes, no whitespace or control characters) so that no key can inject a command.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use std::io::{Error, ErrorKind};

use memcache_async::ascii::Protocol;
use tokio::net::TcpStream;

type Client = Protocol<TcpStream>;
use rust_edge_gateway_sdk::abi::host::{FaultKind, ServiceOp, ServiceResult, ServiceValue};
use tokio::sync::Mutex;

use crate::actor::{Backend, BoxFut};
use crate::config::MemcachedConfig;
use crate::error::{backend, fault, unavailable};

/// Connections to one memcached server.
pub(crate) struct MemcachedBackend {
    addr: String,
    connect_timeout: Duration,
    op_timeout: Duration,
    conns: Vec<Mutex<Option<Client>>>,
    next: AtomicUsize,
}

fn is_connection(e: &Error) -> bool {
    !matches!(
        e.kind(),
        ErrorKind::NotFound | ErrorKind::Other | ErrorKind::InvalidInput
    )
}

/// The largest value memcached stores by default (its item size limit is 1 MiB).
const MAX_VALUE: usize = 1_000_000;

fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() || key.len() > 250 || key.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "memcached keys are 1-250 bytes without spaces or control characters: {key:?}"
        ));
    }
    Ok(())
}

fn mc_fault(e: &Error) -> rust_edge_gateway_sdk::abi::host::ServiceFault {
    if is_connection(e) {
        unavailable(format!("memcached unreachable: {e}"))
    } else {
        backend(format!("memcached: {e}"))
    }
}

impl MemcachedBackend {
    /// Connections are opened on first use.
    pub(crate) fn new(c: &MemcachedConfig) -> Self {
        let n = usize::try_from(c.pool_size).unwrap_or(1).max(1);
        MemcachedBackend {
            addr: format!("{}:{}", c.host, c.port),
            connect_timeout: Duration::from_secs(c.timeout_seconds.clamp(1, 5)),
            op_timeout: Duration::from_secs(c.timeout_seconds.max(1))
                .saturating_sub(Duration::from_millis(50)),
            conns: (0..n).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        }
    }

    async fn exec(&self, op: ServiceOp) -> ServiceResult {
        if op.kind() != rust_edge_gateway_sdk::abi::host::ServiceKind::Cache {
            return Err(fault(
                FaultKind::Internal,
                format!("a cache service cannot run {op:?}"),
            ));
        }
        let key = match &op {
            ServiceOp::CacheGet { key }
            | ServiceOp::CacheDelete { key }
            | ServiceOp::CacheExists { key }
            | ServiceOp::CacheIncr { key, .. } => key,
            ServiceOp::CacheSet { key, value, .. } => {
                if value.len() > MAX_VALUE {
                    return Err(fault(
                        FaultKind::Invalid,
                        format!("memcached values are at most {MAX_VALUE} bytes"),
                    ));
                }
                key
            }
            _ => "",
        };
        check_key(key).map_err(|m| fault(FaultKind::Invalid, m))?;
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.conns.len();
        let mut slot = self.conns[i].lock().await;
        // The client is taken out of its slot for the operation and put back only after a
        // complete answer: if the operation is cancelled or fails half-way, the connection
        // (possibly out of step with its replies) is dropped, never reused.
        let mut client = match slot.take() {
            Some(c) => c,
            None => {
                let stream =
                    tokio::time::timeout(self.connect_timeout, TcpStream::connect(&self.addr))
                        .await
                        .map_err(|_| {
                            unavailable(format!("memcached {}: connect timed out", self.addr))
                        })?
                        .map_err(|e| {
                            unavailable(format!("memcached {} unreachable: {e}", self.addr))
                        })?;
                let _ = stream.set_nodelay(true);
                Protocol::new(stream)
            }
        };
        let result = match tokio::time::timeout(self.op_timeout, run_op(&mut client, op)).await {
            Ok(r) => r,
            Err(_) => {
                return Err(fault(
                    FaultKind::Timeout,
                    format!(
                        "memcached did not answer within {} s",
                        self.op_timeout.as_secs_f32().ceil()
                    ),
                ))
            }
        };
        match &result {
            // A miss is a complete answer; any other error may leave replies out of step.
            Ok(_) => *slot = Some(client),
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::AlreadyExists) => {
                *slot = Some(client)
            }
            Err(_) => {}
        }
        result.map_err(|e| mc_fault(&e))
    }
}

/// The client sends `set` and `delete` with `noreply`: one request-response command on the
/// same connection afterwards (memcached runs a connection's commands in order) means the
/// write is applied before the handler is told it is, so another client reads it at once.
async fn applied(c: &mut Client) -> Result<(), Error> {
    c.version().await.map(|_| ())
}

/// memcached reads an expiry above 30 days as a Unix time: send those as one.
fn expiry(ttl_secs: Option<u64>) -> u32 {
    const THIRTY_DAYS: u64 = 30 * 24 * 3600;
    match ttl_secs {
        None | Some(0) => 0,
        Some(s) if s <= THIRTY_DAYS => u32::try_from(s).unwrap_or(u32::MAX),
        Some(s) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            u32::try_from(now.saturating_add(s)).unwrap_or(u32::MAX)
        }
    }
}

async fn run_op(c: &mut Client, op: ServiceOp) -> Result<ServiceValue, Error> {
    let missing = |r: Result<Vec<u8>, Error>| match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    };
    Ok(match op {
        ServiceOp::CacheGet { key } => match missing(c.get(&key).await)? {
            Some(bytes) => ServiceValue::Text(String::from_utf8_lossy(&bytes).into_owned()),
            None => ServiceValue::Unit,
        },
        ServiceOp::CacheSet {
            key,
            value,
            ttl_secs,
        } => {
            c.set(&key, value.as_bytes(), expiry(ttl_secs)).await?;
            applied(c).await?;
            ServiceValue::Unit
        }
        ServiceOp::CacheDelete { key } => {
            // The client's delete does not report whether the key existed: ask first.
            let existed = missing(c.get(&key).await)?.is_some();
            c.delete(&key).await?;
            applied(c).await?;
            ServiceValue::Bool(existed)
        }
        ServiceOp::CacheExists { key } => ServiceValue::Bool(missing(c.get(&key).await)?.is_some()),
        ServiceOp::CacheIncr { key, delta } => {
            let r = if delta >= 0 {
                c.increment(&key, delta.unsigned_abs()).await
            } else {
                c.decrement(&key, delta.unsigned_abs()).await
            };
            match r {
                Ok(v) => ServiceValue::Int(i64::try_from(v).unwrap_or(i64::MAX)),
                // Like Redis: a missing counter starts at 0 (memcached counters do not go
                // below 0). `add` creates it only if nobody else did meanwhile; if somebody
                // did, count on theirs.
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    let start = delta.max(0);
                    match c.add(&key, start.to_string().as_bytes(), 0).await {
                        Ok(()) => ServiceValue::Int(start),
                        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                            let v = if delta >= 0 {
                                c.increment(&key, delta.unsigned_abs()).await?
                            } else {
                                c.decrement(&key, delta.unsigned_abs()).await?
                            };
                            ServiceValue::Int(i64::try_from(v).unwrap_or(i64::MAX))
                        }
                        Err(e) => return Err(e),
                    }
                }
                Err(e) => return Err(e),
            }
        }
        // Other kinds are refused by `exec` before a connection is taken.
        _ => ServiceValue::Unit,
    })
}

impl Backend for MemcachedBackend {
    fn run(self: Arc<Self>, op: ServiceOp) -> BoxFut<ServiceResult> {
        Box::pin(async move { self.exec(op).await })
    }

    fn ping(self: Arc<Self>) -> BoxFut<Result<(), String>> {
        Box::pin(async move {
            self.exec(ServiceOp::CacheExists {
                key: "__rust_edge_gateway_ping".into(),
            })
            .await
            .map(drop)
            .map_err(|f| f.message)
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_ttls_become_unix_times() {
        assert_eq!(super::expiry(None), 0);
        assert_eq!(super::expiry(Some(60)), 60);
        assert!(super::expiry(Some(31 * 24 * 3600)) > 1_700_000_000);
        assert!(super::check_key("a b").is_err() && super::check_key("ok:key").is_ok());
    }
}
