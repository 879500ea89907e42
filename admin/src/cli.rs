//! Command-line flags; every flag has an environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// Rust Edge Gateway: serves HTTP handlers written in Rust, compiled to native libraries
/// and loaded into the gateway process.
#[derive(Debug, Clone, Parser)]
#[command(name = "rust-edge-gateway", version)]
pub struct Cli {
    /// Where the config store, handler crates, build cache and libraries live.
    #[arg(long, env = "REG_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// The config store: empty (default) for the embedded SQLite file in the data dir;
    /// `postgres://user:pass@host/db` for a cluster of nodes sharing one PostgreSQL store.
    #[arg(long, env = "REG_STORE", hide_env_values = true, default_value = "")]
    pub store: String,
    /// Where compiled handler libraries are shared between nodes: empty (default) keeps
    /// them in the data dir only; `s3://BUCKET/PREFIX` uploads every build there (AWS
    /// variables: `AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`) and other nodes download what they serve.
    #[arg(long, env = "REG_ARTIFACTS", default_value = "")]
    pub artifacts: String,
    /// The cluster's secrets key: a file of at least 32 random bytes
    /// (`openssl rand -hex 32`), the same on every node. Certificate keys uploaded through
    /// the API are sealed with it before they go into the shared store.
    #[arg(long, env = "REG_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,
    /// This node's name in a cluster (default: host name and gateway port).
    #[arg(long, env = "REG_NODE_ID")]
    pub node_id: Option<String>,
    /// Seconds between two reconciles of a cluster node against the store when no change
    /// notification comes (the backstop for a lost one).
    #[arg(long, env = "REG_RECONCILE_INTERVAL", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub reconcile_interval: u64,
    /// Address of the gateway (handler traffic).
    #[arg(long, env = "REG_GATEWAY_ADDR", default_value = "0.0.0.0:9080")]
    pub gateway_addr: SocketAddr,
    /// Address of the dataplane's HTTPS listener (one per worker, like the gateway port).
    #[arg(long, env = "REG_TLS_ADDR", default_value = "0.0.0.0:9443")]
    pub tls_addr: SocketAddr,
    /// A directory of PEM pairs served beside the API's certificates (`name.pem` +
    /// `name.key`, or `fullchain.pem` + `privkey.pem` per subdirectory as certbot writes
    /// them); polled every 3 s and reloaded when a file changes.
    #[arg(long, env = "REG_TLS_CERT_DIR")]
    pub tls_cert_dir: Option<PathBuf>,
    /// Clients that send no server name (SNI), such as those connecting by IP address,
    /// get the certificate that serves this name; without it their handshake fails
    /// with an alert.
    #[arg(long, env = "REG_TLS_DEFAULT_NAME")]
    pub tls_default_name: Option<String>,
    /// Serve the admin API and UI over HTTPS with this PEM chain (needs
    /// `--admin-tls-key`).
    #[arg(long, env = "REG_ADMIN_TLS_CERT", requires = "admin_tls_key")]
    pub admin_tls_cert: Option<PathBuf>,
    /// The private key of `--admin-tls-cert`, PEM.
    #[arg(long, env = "REG_ADMIN_TLS_KEY", requires = "admin_tls_cert")]
    pub admin_tls_key: Option<PathBuf>,
    /// Address of the admin API and UI.
    #[arg(long, env = "REG_ADMIN_ADDR", default_value = "127.0.0.1:9081")]
    pub admin_addr: SocketAddr,
    /// Dataplane worker threads (default: one per core).
    #[arg(long, env = "REG_WORKERS")]
    pub workers: Option<usize>,
    /// Threads of the control runtime (service actors, admin API, compiler); default half
    /// the cores, at least 1: with every core a dataplane worker, fewer control threads
    /// contend less (measured on 2 cores: Redis GETs through the gateway 43k -> 51k req/s
    /// with 1 thread instead of 2; PostgreSQL queries unchanged; loadtest/services.sh).
    #[arg(long, env = "REG_CONTROL_THREADS", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub control_threads: Option<u16>,
    /// Token every management call must present as `Authorization: Bearer <token>`.
    /// Without it the gateway generates one once and keeps it in `<data-dir>/admin-token`
    /// (mode 0600); the client commands read that file by themselves.
    #[arg(long, env = "REG_ADMIN_TOKEN", hide_env_values = true, global = true)]
    pub admin_token: Option<String>,
    /// `token` (default): the management API needs the admin token. `none`: it is open to
    /// every local process (loopback addresses only; a warning is logged at start).
    #[arg(long, env = "REG_ADMIN_AUTH", default_value = "token", value_parser = ["token", "none"])]
    pub admin_auth: String,
    /// A read-only token `/metrics` also accepts, so a scraper never holds a deploy credential.
    #[arg(long, env = "REG_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Seconds a new connection may take to send its first byte (apart from the keep-alive
    /// idle wait between requests).
    #[arg(long, env = "REG_FIRST_BYTE_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub first_byte_timeout: u64,
    /// Seconds a request body may take before its minimum rate counts.
    #[arg(long, env = "REG_BODY_TIMEOUT", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout: u64,
    /// Bytes per second of body that earn one more second (a slower trickle is closed, 408).
    #[arg(long, env = "REG_BODY_MIN_RATE", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    pub body_min_rate: u32,
    /// Seconds a worker may be stuck in one handler call before that endpoint is
    /// quarantined (its requests get 503 at once until it is deployed or started again);
    /// the watchdog reports a stall after 500 ms already.
    #[arg(long, env = "REG_QUARANTINE_AFTER", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    pub quarantine_after: u64,
    /// Request bytes one dataplane worker may hold buffered across its connections (bodies
    /// being read, large heads); a request that would go over gets 503 with `Retry-After`.
    /// Also the largest body any endpoint can take, whatever its `max_body_bytes`.
    #[arg(long, env = "REG_MAX_BUFFERED_BYTES_PER_WORKER", default_value_t = 64 << 20, value_parser = clap::value_parser!(u64).range(65536..=(1 << 40)))]
    pub max_buffered_bytes_per_worker: u64,
    /// Open connections per client IP across all workers; more are closed at accept (0: no cap).
    #[arg(long, env = "REG_MAX_CONNECTIONS_PER_IP", default_value_t = 0)]
    pub max_connections_per_ip: usize,
    /// A handler build running longer than this many seconds is killed and reported.
    #[arg(long, env = "REG_BUILD_TIMEOUT", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub build_timeout: u64,
    /// cargo's `-j` for handler builds (default: the number of cores).
    #[arg(long, env = "REG_BUILD_JOBS", value_parser = clap::value_parser!(u16).range(1..))]
    pub build_jobs: Option<u16>,
    /// Cargo target dir shared by all handler builds (default: `<data-dir>/target`).
    #[arg(long, env = "REG_BUILD_DIR")]
    pub build_dir: Option<PathBuf>,
    /// The SDK source handlers are built against (default: the one this binary was built from).
    #[arg(long, env = "REG_SDK_PATH")]
    pub sdk_path: Option<PathBuf>,
    /// Append an access log (one JSON object per request) to this file; off by default.
    #[arg(long, env = "REG_ACCESS_LOG")]
    pub access_log: Option<PathBuf>,
    /// Log format on stderr: `text` (default) or `json` (one JSON object per line, for log
    /// collectors). Levels and targets come from `RUST_LOG` (default `info`).
    #[arg(long, env = "REG_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
    /// For client commands: the admin API of the gateway to talk to (default: `http://` and
    /// `--admin-addr`, so a client beside the gateway, as in its container, finds it).
    #[arg(long, env = "REG_ADMIN_URL", global = true)]
    pub admin_url: Option<String>,
    /// For client commands: trust the CA certificates in this PEM file for an `https://`
    /// `--admin-url` (an admin listener with a private certificate); without it the
    /// public web roots are trusted.
    #[arg(long, env = "REG_ADMIN_CA", global = true)]
    pub admin_ca: Option<PathBuf>,
    /// Without a command the gateway runs; with one, this binary is a client of a running
    /// gateway's admin API.
    #[command(subcommand)]
    pub command: Option<crate::client::Command>,
}

/// A flag combination that must not start.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// `--admin-auth none` with a token.
    #[error("--admin-auth none and --admin-token contradict each other: drop one")]
    TokenAndNone,
    /// Non-loopback admin without a token.
    #[error("--admin-auth none leaves the management API open, which is allowed on a loopback address only, not on {0}: drop --admin-auth none (a token is generated) or listen on 127.0.0.1")]
    OpenAdmin(SocketAddr),
    /// `--store` is neither empty nor a PostgreSQL URL.
    #[error("--store must be empty (the embedded SQLite store) or a postgres:// URL")]
    Store,
    /// A cluster node without the cluster's admin token.
    #[error("with --store postgres://... every node must be started with the same --admin-token (REG_ADMIN_TOKEN): a token generated per node would differ between nodes")]
    ClusterToken,
    /// A cluster node without a shared bucket.
    #[error("with --store postgres://... every node needs the same --artifacts s3://BUCKET/PREFIX (REG_ARTIFACTS): a library compiled on one node must reach the others")]
    ClusterArtifacts,
    /// `--artifacts` is not an S3 URL.
    #[error("--artifacts {0}: expected empty (the data dir) or s3://BUCKET/PREFIX")]
    Artifacts(String),
    /// No SDK source to build handlers against.
    #[error("SDK source not found at {0}: set --sdk-path (or REG_SDK_PATH) to the repository's sdk/ directory")]
    NoSdk(PathBuf),
}

impl Cli {
    /// The admin API the client commands call: `--admin-url`, else `--admin-addr` (an
    /// unspecified address is reached on loopback).
    pub fn client_url(&self) -> String {
        if let Some(url) = self.admin_url.as_deref().filter(|u| !u.is_empty()) {
            return url.to_string();
        }
        let mut addr = self.admin_addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        format!("http://{addr}")
    }

    /// The control runtime's thread count.
    pub fn control_threads(&self) -> usize {
        self.control_threads.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
            usize::from,
        )
    }

    /// Whether the management API runs without a token (`--admin-auth none`).
    pub fn open_admin(&self) -> bool {
        self.admin_auth == "none"
    }

    /// How handler builds run.
    pub fn build_options(&self) -> crate::compiler::BuildOptions {
        let mut o = crate::compiler::BuildOptions {
            timeout: std::time::Duration::from_secs(self.build_timeout),
            ..Default::default()
        };
        if let Some(j) = self.build_jobs {
            o.jobs = usize::from(j);
        }
        o
    }

    /// Refuses unsafe or impossible combinations.
    pub fn validate(&self) -> Result<(), CliError> {
        if self.open_admin() && self.admin_token.as_deref().is_some_and(|t| !t.is_empty()) {
            return Err(CliError::TokenAndNone);
        }
        if self.open_admin() && !self.admin_addr.ip().is_loopback() {
            return Err(CliError::OpenAdmin(self.admin_addr));
        }
        if !self.store.is_empty() {
            if !(self.store.starts_with("postgres://") || self.store.starts_with("postgresql://")) {
                return Err(CliError::Store);
            }
            if !self.open_admin() && self.admin_token.as_deref().is_none_or(str::is_empty) {
                return Err(CliError::ClusterToken);
            }
            if !self.artifacts.starts_with("s3://") {
                return Err(CliError::ClusterArtifacts);
            }
        } else if !self.artifacts.is_empty() && !self.artifacts.starts_with("s3://") {
            return Err(CliError::Artifacts(self.artifacts.clone()));
        }
        Ok(())
    }

    /// The PostgreSQL store URL, when the node is part of a cluster.
    pub fn cluster_store(&self) -> Option<&str> {
        Some(self.store.as_str()).filter(|s| !s.is_empty())
    }

    /// The SDK directory handlers depend on.
    pub fn sdk(&self) -> Result<PathBuf, CliError> {
        let p = self
            .sdk_path
            .clone()
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk")));
        p.join("Cargo.toml")
            .is_file()
            .then(|| p.canonicalize().unwrap_or(p.clone()))
            .ok_or(CliError::NoSdk(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_commands_reach_the_admin_addr_unless_told_a_url() {
        let cli = Cli::parse_from([
            "rust-edge-gateway",
            "--admin-addr",
            "0.0.0.0:9991",
            "health",
        ]);
        assert_eq!(cli.client_url(), "http://127.0.0.1:9991");
        let cli = Cli::parse_from(["rust-edge-gateway", "--admin-addr", "[::]:9992", "health"]);
        assert_eq!(cli.client_url(), "http://[::1]:9992");
        let cli = Cli::parse_from([
            "rust-edge-gateway",
            "--admin-addr",
            "127.0.0.1:9993",
            "--admin-url",
            "http://gw.internal:81",
            "health",
        ]);
        assert_eq!(cli.client_url(), "http://gw.internal:81");
    }

    #[test]
    fn an_open_admin_is_for_loopback_only() {
        let cli = Cli::parse_from([
            "rust-edge-gateway",
            "--admin-addr",
            "0.0.0.0:9081",
            "--admin-auth",
            "none",
        ]);
        assert!(cli.validate().is_err());
        let cli = Cli::parse_from(["rust-edge-gateway", "--admin-auth", "none"]);
        assert!(cli.validate().is_ok() && cli.open_admin());
        let cli = Cli::parse_from([
            "rust-edge-gateway",
            "--admin-auth",
            "none",
            "--admin-token",
            "t",
        ]);
        assert!(matches!(cli.validate(), Err(CliError::TokenAndNone)));
        // A token (given or generated) makes any address fine.
        let cli = Cli::parse_from(["rust-edge-gateway", "--admin-addr", "0.0.0.0:9081"]);
        assert!(cli.validate().is_ok() && !cli.open_admin());
        assert_eq!(cli.gateway_addr.port(), 9080);
        assert_eq!(cli.build_options().timeout.as_secs(), 300);
        assert!(Cli::try_parse_from(["rust-edge-gateway", "--admin-auth", "maybe"]).is_err());
    }
}
