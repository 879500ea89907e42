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

/// A bucket on the test S3 server (SeaweedFS on 9000) that is deleted, with what is in it,
/// when dropped. SeaweedFS gives every bucket volumes of its own and has a fixed number of
/// them, so tests must not leave buckets behind run after run.
pub struct TempBucket(pub String);

fn bucket_request(method: &str, name: &str) -> String {
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method])
        .args([
            "--aws-sigv4",
            "aws:amz:us-east-1:s3",
            "--user",
            "minioadmin:minioadmin",
        ])
        .arg(format!("http://127.0.0.1:9000/{name}"))
        .output()
        .unwrap_or_else(|e| panic!("curl not runnable ({e})"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl TempBucket {
    /// A bucket name to be made by the code under test; deleted on drop.
    pub fn named(name: impl Into<String>) -> TempBucket {
        TempBucket(name.into())
    }

    /// Makes the bucket now (emptied first if a killed run left it).
    pub fn make(name: impl Into<String>) -> TempBucket {
        let b = TempBucket(name.into());
        bucket_request("DELETE", &b.0);
        assert_eq!(
            bucket_request("PUT", &b.0),
            "200",
            "creating bucket {}",
            b.0
        );
        b
    }
}

impl Drop for TempBucket {
    fn drop(&mut self) {
        bucket_request("DELETE", &self.0);
    }
}
