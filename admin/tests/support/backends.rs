//! The real backend servers the service tests talk to, as `scripts/services-up.sh` starts
//! them (the README's test command runs it). A backend that is not there fails the test
//! with the command that starts it.
#![allow(dead_code)]

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// `SVC_HOME` of services-up.sh (state, mail dir, FTP home, TLS CA).
pub fn svc_home() -> PathBuf {
    std::env::var_os("SVC_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/tmp/rust-edge-gateway-services/state"))
}

/// Fails the test unless something listens on 127.0.0.1:`port`.
pub fn require(name: &str, port: u16) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    if let Err(e) = TcpStream::connect_timeout(&addr, Duration::from_secs(3)) {
        panic!(
            "{name} is not reachable on {addr} ({e}). Start the test backends with \
             `bash scripts/services-up.sh` (the README's test command, scripts/test.sh, runs it)."
        );
    }
}

/// Runs a command, asserts it succeeds, returns its stdout.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} not runnable ({e}); run `bash scripts/services-up.sh`")
        });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The private CA of the test servers' certificates.
pub fn ca() -> String {
    svc_home().join("tls/ca.pem").display().to_string()
}
