//! The running dataplane: workers, their inboxes and the registry that feeds them.

mod app;
mod budget;
mod clock;
mod core;
mod deadline;
mod ip_cap;
mod secure;
mod session;
mod worker;

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::blocking::BlockingPool;
use crate::config::{ConfigError, DataplaneConfig};
use crate::protections::ProtectionCounters;
use crate::quarantine::Quarantine;
use crate::registry::Registry;
use crate::watchdog::{StallState, Watchdog, WorkerHealth};

/// Why the dataplane could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A worker could not start or bind.
    #[error("dataplane worker failed to start: {0}")]
    Io(#[from] io::Error),
    /// The TLS configuration could not be built.
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsSetupError),
}

/// A running dataplane. Dropping it does not stop it; call [`Dataplane::shutdown`].
#[derive(Debug)]
pub struct Dataplane {
    addr: SocketAddr,
    tls_addr: Option<SocketAddr>,
    certificates: Arc<crate::tls::CertStore>,
    tls_metrics: Arc<crate::tls::TlsMetrics>,
    registry: Arc<Registry>,
    shutdown: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
    janitor: Option<JoinHandle<()>>,
    watchdog: Arc<Watchdog>,
    protections: Arc<ProtectionCounters>,
}

impl Dataplane {
    /// Starts the workers and returns once every one of them listens.
    pub fn start(config: DataplaneConfig) -> Result<Self, StartError> {
        config.validate()?;
        let mut config = config;
        match crate::fd_limit::raise() {
            Ok(fds) => {
                let cap = crate::fd_limit::connections_per_worker(
                    fds.soft,
                    config.workers,
                    config.max_connections_per_worker,
                );
                tracing::info!(
                    "open files: soft limit {} -> {} (hard {}); {} connections per worker, {} descriptors kept for the control side",
                    fds.soft_before,
                    fds.soft,
                    fds.hard,
                    cap,
                    crate::fd_limit::reserve(fds.soft)
                );
                config.max_connections_per_worker = cap;
            }
            Err(e) => {
                tracing::warn!("RLIMIT_NOFILE unreadable ({e}); connection caps as configured")
            }
        }
        let config = Arc::new(config);
        let pool = Arc::new(BlockingPool::new(config.blocking_threads, 4096)?);
        let shutdown = Arc::new(AtomicBool::new(false));
        let epoch = Arc::new(AtomicU64::new(0));
        let mut inboxes = Vec::new();
        let mut workers = Vec::new();
        let (ready_tx, ready_rx) = mpsc::channel();
        let cores = core_affinity::get_core_ids().unwrap_or_default();
        let watchdog = Arc::new(Watchdog::new(
            config.workers,
            config.watchdog_threshold,
            config.quarantine_threshold,
        ));
        if let Some(path) = &config.crash_record {
            crate::crash_record::install(path).map_err(|e| io::Error::other(e.to_string()))?;
        }
        let protections = Arc::new(ProtectionCounters::default());
        let per_ip = ip_cap::IpConnections::new(config.max_connections_per_ip);
        let mut addr = config.addr;
        let mut tls_addr = config.tls_addr;
        let certificates = Arc::new(crate::tls::CertStore::new());
        let tls_metrics = Arc::new(crate::tls::TlsMetrics::default());
        let tls_config = match tls_addr {
            Some(_) => Some(crate::tls::server_config(Arc::clone(&certificates))?),
            None => None,
        };
        let access_file = config
            .access_log
            .as_ref()
            .map(|p| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| {
                        io::Error::new(e.kind(), format!("access log {}: {e}", p.display()))
                    })
            })
            .transpose()?;
        for index in 0..config.workers {
            let access = access_file
                .as_ref()
                .map(std::fs::File::try_clone)
                .transpose()?;
            let (tx, rx) = crossbeam_channel::unbounded();
            inboxes.push(tx);
            let parts = (
                Arc::clone(&config),
                Arc::clone(&pool),
                Arc::clone(&shutdown),
                Arc::clone(&epoch),
                Arc::clone(&watchdog),
                Arc::clone(&protections),
                Arc::clone(&per_ip),
            );
            let pin = config
                .pin_workers
                .then(|| cores.get(index % cores.len().max(1)).copied())
                .flatten();
            let ready = ready_tx.clone();
            let bind_addr = addr;
            let tls = tls_addr.zip(tls_config.clone()).map(|(a, config)| {
                let metrics = Arc::clone(&tls_metrics);
                (a, secure::TlsShared { config, metrics })
            });
            let handle = std::thread::Builder::new()
                .name(format!("reg-worker-{index}"))
                .spawn(move || {
                    if let Some(id) = pin {
                        core_affinity::set_for_current(id);
                    }
                    let (config, pool, shutdown, epoch, watchdog, protections, per_ip) = parts;
                    let core =
                        core::CoreState::new(index, config, pool, shutdown, rx, epoch, watchdog)
                            .with_guards(protections, per_ip)
                            .with_access_log(access);
                    worker::run(core, bind_addr, tls, ready);
                })?;
            workers.push(handle);
            // The first worker picks the port when asked for port 0; the others share it.
            let bound = ready_rx
                .recv()
                .map_err(|_| io::Error::other("worker exited before listening"))??;
            if index == 0 {
                (addr, tls_addr) = (bound.0, bound.1.or(tls_addr));
            }
        }
        let registry = Arc::new(Registry::new(inboxes, epoch, config.drain_timeout));
        let janitor = {
            let registry = Arc::clone(&registry);
            let shutdown = Arc::clone(&shutdown);
            let watchdog = Arc::clone(&watchdog);
            std::thread::Builder::new()
                .name("reg-drain".into())
                .spawn(move || {
                    let mut stalls = vec![StallState::default(); watchdog.health().len()];
                    while !shutdown.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(20));
                        watchdog.check(&mut stalls);
                        let released = registry.cleanup_drained();
                        if released > 0 {
                            tracing::debug!(released, "released drained handler versions");
                        }
                    }
                })?
        };
        Ok(Dataplane {
            addr,
            tls_addr,
            certificates,
            tls_metrics,
            registry,
            shutdown,
            workers,
            janitor: Some(janitor),
            watchdog,
            protections,
        })
    }

    /// The address the workers listen on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address the TLS listeners bound, when TLS is on.
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_addr
    }

    /// The certificates the TLS listeners serve (empty at start: every handshake fails
    /// with an alert until some are set).
    pub fn certificates(&self) -> &Arc<crate::tls::CertStore> {
        &self.certificates
    }

    /// TLS handshake counters.
    pub fn tls_metrics(&self) -> &Arc<crate::tls::TlsMetrics> {
        &self.tls_metrics
    }

    /// Each worker's health: heartbeat age, whether it is blocked, stalls seen.
    pub fn worker_health(&self) -> Vec<WorkerHealth> {
        self.watchdog.health()
    }

    /// The quarantined endpoints (lifted by an explicit deploy or start).
    pub fn quarantine(&self) -> &Arc<Quarantine> {
        self.watchdog.quarantine()
    }

    /// The watchdog: stalls, listeners taken out of the reuseport group, hand-offs.
    pub fn watchdog(&self) -> &Arc<Watchdog> {
        &self.watchdog
    }

    /// What the protections against slow and greedy clients did so far (deadline closes,
    /// 413s, buffer-cap 503s, connections refused at accept).
    pub fn protections(&self) -> &Arc<ProtectionCounters> {
        &self.protections
    }

    /// The registry: deploy, swap and remove endpoints; stats.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// Blocks until SIGTERM or SIGINT, then shuts down gracefully (see
    /// [`Dataplane::shutdown`]). Returns the signal number.
    pub fn run_until_signal(self) -> io::Result<i32> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])?;
        let signal = signals.forever().next().unwrap_or(SIGTERM);
        tracing::info!(signal, "signal received: draining and stopping");
        self.shutdown();
        Ok(signal)
    }

    /// Stops accepting, lets in-flight requests finish (up to the drain timeout) and joins
    /// the workers.
    pub fn shutdown(mut self) {
        self.shutdown.store(true, Ordering::Relaxed);
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
        if let Some(j) = self.janitor.take() {
            let _ = j.join();
        }
    }
}
