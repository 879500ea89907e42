//! Memory measurements of the running gateway (a child process, so only its own memory is
//! counted): RSS with 10,000 idle keep-alive connections, and RSS across 1,000 hot swaps
//! of one endpoint under traffic (in-process). Printed for the report and bounded so a
//! regression fails.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rust_edge_gateway_dataplane::{Dataplane, DataplaneConfig};
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{endpoint, rss_kib, Store};
use rust_edge_gateway_tests::http::{get, Conn};

/// The two measurements must not overlap: the connection test's clients live in this
/// process, whose RSS the swap test measures.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn rss_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

/// Raises this process's open-file limit (inherited by the gateway child) so that both
/// sides can hold 10,000 sockets.
fn raise_fd_limit(need: u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain getrlimit/setrlimit on a local struct.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        if lim.rlim_max < need {
            lim.rlim_max = need; // allowed for root; otherwise the check below explains
        }
        lim.rlim_cur = lim.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
    }
    assert!(
        lim.rlim_cur >= need,
        "this test needs {need} open files (ulimit -n); the limit is {}; run as root or raise it",
        lim.rlim_cur
    );
}

#[test]
fn ten_thousand_idle_keep_alive_connections() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    raise_fd_limit(10_200); // each side (this process, the gateway child) holds 10,000 sockets
    let mut child = Command::new(env!("CARGO_BIN_EXE_hello_gateway"))
        .args(["--addr", "127.0.0.1:0", "--workers", "2", "--handler"])
        .arg(fixtures().lib("fx_async"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn hello_gateway");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("line");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect("listening")
        .parse()
        .expect("addr");
    let pid = child.id();

    let mut warm = Conn::open(addr);
    assert_eq!(
        warm.send(&get("/hello")).reply().expect("reply").status,
        200
    );
    let before = rss_of(pid);
    let mut conns = Vec::with_capacity(10_000);
    for _ in 0..10_000 {
        let mut c = Conn::open(addr);
        c.send(&get("/hello"));
        conns.push(c);
    }
    for c in &mut conns {
        assert_eq!(c.reply().expect("reply").status, 200);
    }
    std::thread::sleep(Duration::from_millis(300));
    let after = rss_of(pid);
    let per_conn = (after.saturating_sub(before)) as f64 / 10_000.0;
    eprintln!("gateway RSS: {before} KiB idle, {after} KiB with 10,000 idle keep-alive connections ({per_conn:.1} KiB each)");
    assert!(
        after - before < 150 * 1024,
        "10,000 idle connections cost {} KiB",
        after - before
    );
    drop(conns);
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    assert!(child.wait().expect("wait").success());
}

#[test]
fn a_thousand_hot_swaps_keep_rss_flat() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let dp =
        Dataplane::start(DataplaneConfig::new("127.0.0.1:0".parse().expect("addr")).workers(2))
            .expect("start");
    let store = Store::new();
    let paths = [
        store.install(&fixtures().lib("fx_async")).expect("v1"),
        store.install(&fixtures().async_v2()).expect("v2"),
    ];
    let mut conn = Conn::open(dp.local_addr());
    let mut swap = |n: usize| {
        for i in 0..n {
            let lib = Store::load_installed(&paths[i % 2]).expect("load");
            dp.registry()
                .deploy(endpoint("swap", "GET", "/hello"), lib)
                .expect("swap");
            let r = conn.send(&get("/hello")).reply().expect("reply");
            assert_eq!(r.status, 200);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while dp.registry().stats().draining_count > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(50)); // idle cores adopt the last snapshot
    };
    swap(50);
    let before = rss_kib();
    swap(1_000);
    let after = rss_kib();
    let growth = after.saturating_sub(before);
    eprintln!(
        "RSS across 1,000 hot swaps under traffic: {before} KiB -> {after} KiB (+{growth} KiB)"
    );
    assert!(growth < 10 * 1024, "grew {growth} KiB");
    // Only the current version stays mapped: one of the two paths.
    let mapped: Vec<usize> = paths
        .iter()
        .map(|p| rust_edge_gateway_dataplane::library::mapped_copies(p))
        .collect();
    assert!(
        mapped.iter().filter(|m| **m > 0).count() == 1,
        "old versions unmapped: {mapped:?}"
    );
    dp.shutdown();
}
