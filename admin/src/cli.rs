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
    /// Address of the gateway (handler traffic).
    #[arg(long, env = "REG_GATEWAY_ADDR", default_value = "0.0.0.0:9080")]
    pub gateway_addr: SocketAddr,
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
    /// Token every /api call must present as `Authorization: Bearer <token>`; required
    /// when the admin listens on a non-loopback address.
    #[arg(long, env = "REG_ADMIN_TOKEN", hide_env_values = true, global = true)]
    pub admin_token: Option<String>,
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
    /// For client commands: the admin API of the gateway to talk to.
    #[arg(
        long,
        env = "REG_ADMIN_URL",
        default_value = "http://127.0.0.1:9081",
        global = true
    )]
    pub admin_url: String,
    /// Without a command the gateway runs; with one, this binary is a client of a running
    /// gateway's admin API.
    #[command(subcommand)]
    pub command: Option<crate::client::Command>,
}

/// A flag combination that must not start.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Non-loopback admin without a token.
    #[error("the admin API would listen on {0}, which is not a loopback address, without an admin token: set --admin-token (or REG_ADMIN_TOKEN), or listen on 127.0.0.1")]
    OpenAdmin(SocketAddr),
    /// No SDK source to build handlers against.
    #[error("SDK source not found at {0}: set --sdk-path (or REG_SDK_PATH) to the repository's sdk/ directory")]
    NoSdk(PathBuf),
}

impl Cli {
    /// The control runtime's thread count.
    pub fn control_threads(&self) -> usize {
        self.control_threads.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
            usize::from,
        )
    }

    /// Refuses unsafe or impossible combinations.
    pub fn validate(&self) -> Result<(), CliError> {
        if !self.admin_addr.ip().is_loopback()
            && self.admin_token.as_deref().is_none_or(str::is_empty)
        {
            return Err(CliError::OpenAdmin(self.admin_addr));
        }
        Ok(())
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
    fn open_admin_needs_a_token() {
        let cli = Cli::parse_from(["rust-edge-gateway", "--admin-addr", "0.0.0.0:9081"]);
        assert!(cli.validate().is_err());
        let cli = Cli::parse_from([
            "rust-edge-gateway",
            "--admin-addr",
            "0.0.0.0:9081",
            "--admin-token",
            "s3cret",
        ]);
        assert!(cli.validate().is_ok());
        let cli = Cli::parse_from(["rust-edge-gateway"]);
        assert!(cli.validate().is_ok());
        assert_eq!(cli.gateway_addr.port(), 9080);
    }
}
