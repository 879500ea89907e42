//! Dataplane configuration: one documented struct with defaults and `validate()`.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// io_uring setup flags for the worker rings (ignored on the epoll fallback).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UringSetup {
    /// The kernel's defaults.
    Default,
    /// `SINGLE_ISSUER | DEFER_TASKRUN` (kernel 6.1+): completions run when the worker asks
    /// for them instead of interrupting it. Falls back to `Default` when refused.
    DeferTaskrun,
    /// `COOP_TASKRUN | TASKRUN_FLAG` (kernel 5.19+).
    CoopTaskrun,
}

impl UringSetup {
    /// The ring builder for these flags.
    pub fn builder(self) -> io_uring::Builder {
        let mut b = io_uring::IoUring::builder();
        match self {
            UringSetup::Default => {}
            UringSetup::DeferTaskrun => {
                b.setup_single_issuer().setup_defer_taskrun();
            }
            UringSetup::CoopTaskrun => {
                b.setup_coop_taskrun().setup_taskrun_flag();
            }
        }
        b
    }

    /// Parses `default`, `defer-taskrun` or `coop-taskrun`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "default" => Some(UringSetup::Default),
            "defer-taskrun" => Some(UringSetup::DeferTaskrun),
            "coop-taskrun" => Some(UringSetup::CoopTaskrun),
            _ => None,
        }
    }
}

/// How the dataplane listens, parses and calls handlers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DataplaneConfig {
    /// Listen address (default `0.0.0.0:9080`).
    pub addr: SocketAddr,
    /// TLS listen address (HTTPS, one SO_REUSEPORT listener per worker like `addr`);
    /// `None` (the default here; the binary's `--tls-addr` sets it) for none.
    pub tls_addr: Option<SocketAddr>,
    /// Worker threads, one monoio runtime each (default: available cores).
    pub workers: usize,
    /// Pin worker N to core N (default off: measured slower on a 2-core box with the load
    /// generator on the same cores).
    pub pin_workers: bool,
    /// io_uring submission queue entries.
    pub uring_entries: u32,
    /// io_uring setup flags.
    pub uring_setup: UringSetup,
    /// Largest request head (431 above).
    pub max_head_bytes: usize,
    /// Gateway-wide ceiling on request bodies (413 above), over every endpoint's own
    /// `max_body_bytes`: an endpoint may lower it, never raise it (default 1 GiB, the
    /// largest value the endpoints API accepts; the per-worker buffer cap bounds a body
    /// further, since a body is buffered whole).
    pub max_body_bytes: usize,
    /// Request bytes one worker may hold buffered across all its connections (bodies being
    /// read, heads beyond a connection's first 4 KiB); a request that would take it over
    /// gets 503 with `Retry-After: 1` and its connection closes. Default 64 MiB.
    pub max_buffered_bytes_per_worker: usize,
    /// Open connections per client IP, across all workers; more are closed at accept.
    /// 0 (the default) for no cap. The IP is the TCP peer's (a front proxy is one client).
    pub max_connections_per_ip: usize,
    /// Time a client has to send a complete head once it sent its first byte: one deadline
    /// for the whole head, not per read (slow clients get 408 and are closed).
    pub header_timeout: Duration,
    /// How long a new connection may wait for its first byte (default 10 s), apart from
    /// the keep-alive idle wait between requests.
    pub first_byte_timeout: Duration,
    /// How long an idle keep-alive connection stays open between requests.
    pub keepalive_timeout: Duration,
    /// Time a body may take before its minimum rate starts to count (mod_reqtimeout's
    /// `body=`): the body deadline is this plus one second per `body_min_rate` bytes
    /// received, so a trickle never ends and a slow but steady upload passes.
    pub body_timeout: Duration,
    /// Bytes per second that extend the body deadline by one second (default 500: a 1 MB
    /// upload has over half an hour, a byte every few seconds is closed after 20 s).
    pub body_min_rate: u32,
    /// Default handler timeout (504 after; the handler future is dropped).
    pub handler_timeout: Duration,
    /// Open connections per worker; more are closed at accept.
    pub max_connections_per_worker: usize,
    /// How long a swapped-out version may drain before it is released.
    pub drain_timeout: Duration,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Threads running synchronous handlers.
    pub blocking_threads: usize,
    /// A worker silent for longer than this is reported as blocked.
    pub watchdog_threshold: Duration,
    /// A worker stuck in one handler call for longer than this quarantines that endpoint:
    /// its requests get 503 at once on every worker until it is deployed or started again
    /// (default 5 s: longer than the watchdog's report, so a CPU-heavy handler is reported,
    /// not quarantined).
    pub quarantine_threshold: Duration,
    /// Where the fatal-signal handler records which handler version crashed the process
    /// (see `crash_record`); `None` (the default) installs no handler.
    pub crash_record: Option<std::path::PathBuf>,
    /// Where to append the access log (JSON lines); `None` (the default) for none.
    pub access_log: Option<std::path::PathBuf>,
}

impl Default for DataplaneConfig {
    fn default() -> Self {
        DataplaneConfig {
            addr: SocketAddr::from(([0, 0, 0, 0], 9080)),
            tls_addr: None,
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            pin_workers: false,
            uring_entries: 1024,
            uring_setup: UringSetup::DeferTaskrun,
            max_head_bytes: 16 * 1024,
            max_body_bytes: 1 << 30,
            max_buffered_bytes_per_worker: 64 << 20,
            max_connections_per_ip: 0,
            header_timeout: Duration::from_secs(10),
            first_byte_timeout: Duration::from_secs(10),
            keepalive_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(20),
            body_min_rate: 500,
            handler_timeout: Duration::from_secs(30),
            max_connections_per_worker: 16 * 1024,
            drain_timeout: Duration::from_secs(30),
            trusted_proxies: Vec::new(),
            blocking_threads: 16,
            watchdog_threshold: Duration::from_millis(500),
            quarantine_threshold: Duration::from_secs(5),
            crash_record: None,
            access_log: None,
        }
    }
}

/// A configuration value out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid dataplane configuration: {0}")]
pub struct ConfigError(pub String);

impl DataplaneConfig {
    /// Defaults listening on `addr`.
    pub fn new(addr: SocketAddr) -> Self {
        DataplaneConfig {
            addr,
            ..Self::default()
        }
    }

    /// Sets the worker count.
    #[must_use]
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = n;
        self
    }

    /// Sets the request limits and timeouts used by tests and small deployments; the
    /// first-byte and body timeouts follow `header_timeout` and `keepalive` (the shorter
    /// of the two for the first byte). Set them apart with [`DataplaneConfig::deadlines`].
    #[must_use]
    pub fn limits(
        mut self,
        max_head: usize,
        max_body: usize,
        header_timeout: Duration,
        keepalive: Duration,
    ) -> Self {
        self.max_head_bytes = max_head;
        self.max_body_bytes = max_body;
        self.header_timeout = header_timeout;
        self.keepalive_timeout = keepalive;
        self.first_byte_timeout = keepalive.min(self.first_byte_timeout);
        self.body_timeout = header_timeout;
        self
    }

    /// Sets the first-byte timeout, the body timeout and the body's minimum rate.
    #[must_use]
    pub fn deadlines(mut self, first_byte: Duration, body: Duration, body_min_rate: u32) -> Self {
        self.first_byte_timeout = first_byte;
        self.body_timeout = body;
        self.body_min_rate = body_min_rate;
        self
    }

    /// Sets the per-worker cap on buffered request bytes and the per-IP connection cap
    /// (0: none).
    #[must_use]
    pub fn memory_bounds(mut self, buffered_per_worker: usize, connections_per_ip: usize) -> Self {
        self.max_buffered_bytes_per_worker = buffered_per_worker;
        self.max_connections_per_ip = connections_per_ip;
        self
    }

    /// Serves HTTPS on `addr` too.
    #[must_use]
    pub fn tls_addr(mut self, addr: SocketAddr) -> Self {
        self.tls_addr = Some(addr);
        self
    }

    /// Sets the default handler timeout.
    #[must_use]
    pub fn handler_timeout(mut self, d: Duration) -> Self {
        self.handler_timeout = d;
        self
    }

    /// Sets the io_uring setup flags.
    #[must_use]
    pub fn uring_setup(mut self, setup: UringSetup) -> Self {
        self.uring_setup = setup;
        self
    }

    /// Appends a JSON line per request to `path`.
    #[must_use]
    pub fn access_log(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.access_log = Some(path.into());
        self
    }

    /// Sets the quarantine threshold.
    #[must_use]
    pub fn quarantine_threshold(mut self, d: Duration) -> Self {
        self.quarantine_threshold = d;
        self
    }

    /// Records crashes (fatal signals during a handler call) in `path`.
    #[must_use]
    pub fn crash_record(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.crash_record = Some(path.into());
        self
    }

    /// Sets the drain timeout.
    #[must_use]
    pub fn drain_timeout(mut self, d: Duration) -> Self {
        self.drain_timeout = d;
        self
    }

    /// Checks ranges.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: &str| Err(ConfigError(m.to_string()));
        if self.workers == 0 || self.workers > 1024 {
            return bad("workers must be 1..=1024");
        }
        if self.max_head_bytes < 256 {
            return bad("max_head_bytes must be at least 256");
        }
        if self.header_timeout.is_zero()
            || self.first_byte_timeout.is_zero()
            || self.keepalive_timeout.is_zero()
            || self.body_timeout.is_zero()
            || self.handler_timeout.is_zero()
            || self.watchdog_threshold.is_zero()
        {
            return bad("timeouts must be positive");
        }
        if self.quarantine_threshold < self.watchdog_threshold {
            return bad("quarantine_threshold must be at least watchdog_threshold");
        }
        if self.max_buffered_bytes_per_worker < 64 * 1024 {
            return bad("max_buffered_bytes_per_worker must be at least 64 KiB");
        }
        if self.max_body_bytes == 0 {
            return bad("max_body_bytes must be positive");
        }
        if self.body_min_rate == 0 {
            return bad("body_min_rate must be positive");
        }
        if self.max_connections_per_worker == 0 || self.blocking_threads == 0 {
            return bad("connection and thread limits must be positive");
        }
        Ok(())
    }
}
