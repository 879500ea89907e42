//! SIGTERM: the gateway stops accepting, finishes the request in flight, closes idle
//! keep-alive connections and exits 0.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::http::{get, Conn};

#[test]
fn sigterm_drains_in_flight_requests_and_exits_zero() {
    let lib = fixtures().lib("fx_async");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hello_gateway"))
        .args(["--addr", "127.0.0.1:0", "--workers", "2", "--handler"])
        .arg(&lib)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn hello_gateway");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read listening line");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect("listening line")
        .parse()
        .expect("addr");

    let mut idle = Conn::open(addr);
    assert_eq!(
        idle.send(&get("/hello")).reply().expect("warm-up").status,
        200
    );
    let mut busy = Conn::open(addr);
    busy.send(&get("/sleep?ms=1500"));
    std::thread::sleep(Duration::from_millis(300));

    let sent = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());

    let r = busy.reply().expect("the in-flight request is answered");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["slept_ms"], 1500);
    assert_eq!(
        r.header("connection"),
        Some("close"),
        "no keep-alive while stopping"
    );
    assert!(
        idle.closed(),
        "idle keep-alive connection closed on shutdown"
    );

    let exit = child.wait().expect("wait");
    assert!(exit.success(), "exit status {exit:?}");
    let took = sent.elapsed();
    eprintln!(
        "SIGTERM to exit: {} ms (1.2 s of it the in-flight request)",
        took.as_millis()
    );
    assert!(
        took < Duration::from_secs(8),
        "stopped within the drain timeout: {took:?}"
    );
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "no longer accepting"
    );
}
