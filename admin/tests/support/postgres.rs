//! A PostgreSQL server of the test's own (initdb in a temporary dir, pg_ctl on a free
//! port), so a test can stop and restart it without touching the server the other tests
//! share. Uses the PostgreSQL binaries `scripts/services-up.sh` installs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A private PostgreSQL server; stopped and removed on drop.
pub struct Postgres {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
    _root: tempfile::TempDir,
}

fn pg_bin() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path().join("bin"))
                .filter(|b| b.join("pg_ctl").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort_by_key(|d| {
        d.parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop().unwrap_or_else(|| {
        panic!(
            "no PostgreSQL server binaries (pg_ctl) under /usr/lib/postgresql/*/bin; \
             `bash scripts/services-up.sh` installs them"
        )
    })
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Runs a PostgreSQL tool, as the `postgres` user when the test runs as root (initdb and
/// the server refuse root).
fn pg(bin: &Path, tool: &str, args: &[&str]) -> std::process::Output {
    let exe = bin.join(tool);
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    cmd.args(args)
        .current_dir("/")
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl Postgres {
    /// initdb (trust auth) and start on a free port, with a database `gateway`.
    pub fn start() -> Postgres {
        let bin = pg_bin();
        let root = tempfile::Builder::new()
            .prefix("reg-pg-")
            .tempdir_in("/var/tmp")
            .expect("tempdir");
        let dir = root.path().join("data");
        std::fs::create_dir(&dir).expect("pg data dir");
        if is_root() {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(root.path())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "chown the PostgreSQL data dir to postgres");
        }
        let d = dir.display().to_string();
        let out = pg(
            &bin,
            "initdb",
            &[
                "-D",
                &d,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pg = Postgres {
            port: free_port(),
            dir,
            bin,
            _root: root,
        };
        pg.start_again();
        let out = pg.psql("postgres", "CREATE DATABASE gateway");
        assert!(out.contains("CREATE DATABASE"), "{out}");
        pg
    }

    /// The URL of database `gateway`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/gateway", self.port)
    }

    /// Runs SQL through psql; returns its output.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let port = self.port.to_string();
        let out = pg(
            &self.bin,
            "psql",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "postgres",
                "-d",
                db,
                "-c",
                sql,
            ],
        );
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    /// The server's log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// Starts the (stopped) server again, on the same port and data.
    pub fn start_again(&self) {
        let d = self.dir.display().to_string();
        let log = self.dir.join("server.log").display().to_string();
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -p {} -c unix_socket_directories={d} -c fsync=off -c max_connections=100 -c log_connections=on -c log_lock_waits=on -c deadlock_timeout=500ms",
            self.port
        );
        let out = pg(
            &self.bin,
            "pg_ctl",
            &["-D", &d, "-l", &log, "-w", "-t", "60", "-o", &opts, "start"],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops the server (fast: open connections are cut, as in a real restart).
    pub fn stop(&self) {
        let d = self.dir.display().to_string();
        let out = pg(&self.bin, "pg_ctl", &["-D", &d, "-m", "fast", "-w", "stop"]);
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops and starts the server.
    pub fn restart(&self) {
        self.stop();
        self.start_again();
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let d = self.dir.display().to_string();
        let _ = pg(
            &self.bin,
            "pg_ctl",
            &["-D", &d, "-m", "immediate", "-w", "stop"],
        );
    }
}
