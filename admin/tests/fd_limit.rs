//! The gateway raises its soft open-files limit to the hard limit at start and says so, so a
//! default soft limit of 1024 cannot let idle sockets starve the control side.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn limits_of(pid: u32) -> (u64, u64) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("limits");
    let line = text
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("open files line");
    let nums: Vec<u64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (nums[0], nums[1])
}

#[test]
fn the_soft_open_files_limit_is_raised_to_the_hard_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hard: u64 = String::from_utf8(
        Command::new("bash")
            .args(["-c", "ulimit -Hn"])
            .output()
            .expect("ulimit")
            .stdout,
    )
    .expect("utf-8")
    .trim()
    .parse()
    .unwrap_or(1024);
    assert!(
        hard > 512,
        "the hard limit here ({hard}) leaves nothing to raise; run with a higher one"
    );
    let script = format!(
        "ulimit -Sn 512 && exec {} --gateway-addr 127.0.0.1:0 --tls-addr 127.0.0.1:0 --admin-addr 127.0.0.1:0 --workers 2 --data-dir {}",
        env!("CARGO_BIN_EXE_rust-edge-gateway"),
        dir.path().display()
    );
    let mut child = Command::new("bash")
        .args(["-c", &script])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("ready line");
    assert!(line.contains("ready"), "{line}");
    let (soft, hard_now) = limits_of(child.id());
    let _ = child.kill();
    let out = child.wait_with_output().expect("wait");
    assert_eq!((soft, hard_now), (hard, hard));
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains(&format!("open files: soft limit 512 -> {hard}")),
        "{log}"
    );
}
