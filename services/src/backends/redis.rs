//! Redis through a fred pool: reconnects by itself; while the server is down, commands fail
//! at once (503) instead of queueing until it returns.

use std::sync::Arc;
use std::time::Duration;

use fred::prelude::*;
use fred::types::config::{Options, ServerConfig};
use rust_edge_gateway_sdk::abi::host::{FaultKind, ServiceOp, ServiceResult, ServiceValue};

use crate::actor::{Backend, BoxFut};
use crate::config::RedisConfig;
use crate::error::{backend, fault, unavailable, ServiceError};

/// A pool of multiplexed Redis connections.
pub(crate) struct RedisBackend {
    pool: Pool,
    fail_fast: Options,
}

fn redis_fault(e: fred::error::Error) -> rust_edge_gateway_sdk::abi::host::ServiceFault {
    use fred::error::ErrorKind;
    match e.kind() {
        ErrorKind::IO | ErrorKind::Canceled | ErrorKind::Timeout | ErrorKind::Tls => {
            unavailable(format!("redis unreachable: {e}"))
        }
        ErrorKind::Backpressure => unavailable(format!("redis overloaded: {e}")),
        _ => backend(e),
    }
}

impl RedisBackend {
    /// Builds the pool and starts connecting in the background.
    pub(crate) fn new(c: &RedisConfig) -> Result<Self, ServiceError> {
        let tls = if c.use_tls {
            Some(
                fred::types::config::TlsConnector::default_rustls()
                    .map_err(|e| ServiceError::Connect(format!("redis TLS: {e}")))?
                    .into(),
            )
        } else {
            None
        };
        let config = Config {
            server: ServerConfig::new_centralized(&c.host, c.port),
            username: c.username.clone(),
            password: c.password.clone(),
            database: Some(c.database),
            tls,
            fail_fast: false,
            ..Config::default()
        };
        let timeout = Duration::from_secs(c.timeout_seconds.max(1));
        let pool = Builder::from_config(config)
            .with_performance_config(|p| p.default_command_timeout = timeout)
            .with_connection_config(|cc| {
                cc.connection_timeout = timeout.min(Duration::from_secs(5));
                cc.max_command_attempts = 2;
            })
            .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2))
            .build_pool(usize::try_from(c.pool_size).unwrap_or(1).max(1))
            .map_err(|e| ServiceError::Connect(format!("redis: {e}")))?;
        let connecting = pool.clone();
        tokio::spawn(async move {
            let _handle = connecting.connect().await;
        });
        Ok(RedisBackend {
            pool,
            fail_fast: Options {
                fail_fast: true,
                ..Options::default()
            },
        })
    }

    async fn exec(&self, op: ServiceOp) -> ServiceResult {
        // A connected client when there is one (others may be reconnecting).
        let c = self.pool.next_connected().with_options(&self.fail_fast);
        Ok(match op {
            ServiceOp::CacheGet { key } => {
                let v: Option<String> = c.get(key).await.map_err(redis_fault)?;
                v.map_or(ServiceValue::Unit, ServiceValue::Text)
            }
            ServiceOp::CacheSet {
                key,
                value,
                ttl_secs,
            } => {
                let exp = match ttl_secs {
                    Some(0) => {
                        return Err(fault(FaultKind::Invalid, "a TTL must be at least 1 second"))
                    }
                    Some(s) => Some(Expiration::EX(i64::try_from(s).unwrap_or(i64::MAX))),
                    None => None,
                };
                let () = c
                    .set(key, value, exp, None, false)
                    .await
                    .map_err(redis_fault)?;
                ServiceValue::Unit
            }
            ServiceOp::CacheDelete { key } => {
                let n: i64 = c.del(key).await.map_err(redis_fault)?;
                ServiceValue::Bool(n > 0)
            }
            ServiceOp::CacheExists { key } => {
                let n: i64 = c.exists(key).await.map_err(redis_fault)?;
                ServiceValue::Bool(n > 0)
            }
            ServiceOp::CacheIncr { key, delta } => {
                ServiceValue::Int(c.incr_by(key, delta).await.map_err(redis_fault)?)
            }
            other => {
                return Err(fault(
                    FaultKind::Internal,
                    format!("a cache service cannot run {other:?}"),
                ))
            }
        })
    }
}

impl Backend for RedisBackend {
    fn run(self: Arc<Self>, op: ServiceOp) -> BoxFut<ServiceResult> {
        Box::pin(async move { self.exec(op).await })
    }

    fn ping(self: Arc<Self>) -> BoxFut<Result<(), String>> {
        Box::pin(async move {
            // Waits (up to the caller's timeout) for the pool's connections.
            self.pool
                .wait_for_connect()
                .await
                .map_err(|e| format!("redis: {e}"))?;
            let pong: String = self
                .pool
                .next()
                .ping(None)
                .await
                .map_err(|e| format!("redis: {e}"))?;
            if pong == "PONG" {
                Ok(())
            } else {
                Err(format!("redis answered PING with {pong}"))
            }
        })
    }
}

impl Drop for RedisBackend {
    fn drop(&mut self) {
        let pool = self.pool.clone();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let _ = pool.quit().await;
            });
        }
    }
}
