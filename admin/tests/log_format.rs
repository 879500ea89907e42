//! `--log-format json`: every log line on stderr is one JSON object; stdout keeps only the
//! ready line.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn json_logs_are_one_object_per_line_on_stderr() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .args([
            "--gateway-addr",
            "127.0.0.1:0",
            "--tls-addr",
            "127.0.0.1:0",
            "--admin-addr",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data-dir",
        ])
        .arg(dir.path())
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut ready = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut ready)
        .expect("ready line");
    assert!(ready.starts_with("rust-edge-gateway ready"), "{ready}");
    let mut line = String::new();
    BufReader::new(child.stderr.take().expect("stderr"))
        .read_line(&mut line)
        .expect("a log line");
    let _ = child.kill();
    let _ = child.wait();
    let v: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(v["level"], "INFO", "{v}");
    assert!(
        v["fields"]["message"].is_string() && v["timestamp"].is_string(),
        "{v}"
    );
}

#[test]
fn the_access_log_has_a_json_line_per_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("access.log");
    let gw = support::Gateway::start(
        &dir.path().join("data"),
        &["--access-log", log.to_str().expect("utf-8")],
    );
    let ep = gw.create("hello", "GET", "/hello", None);
    gw.deploy(&ep);
    for _ in 0..3 {
        assert_eq!(gw.get("/hello?x=1").status, 200);
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let text = std::fs::read_to_string(&log).expect("access log");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    let first = &lines[0];
    assert_eq!(
        (
            first["method"].as_str(),
            first["path"].as_str(),
            first["status"].as_u64()
        ),
        (Some("GET"), Some("/hello"), Some(200))
    );
    assert_eq!(first["endpoint"], ep.as_str());
    assert_eq!(first["client_ip"], "127.0.0.1");
    assert!(
        first["request_id"].as_str().is_some_and(|r| !r.is_empty())
            && first["duration_us"].is_u64()
            && first["ts_ms"].is_u64()
    );
}
