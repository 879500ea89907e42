//! `rust-edge-gateway dev`: deploys a handler file, redeploys it on every save (driven here
//! by the test editing the file), prints rustc's diagnostics for a save that does not
//! compile while the last good version keeps serving, streams the handler's prints, and
//! leaves the endpoint serving when stopped.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::Gateway;

fn code(version: u32, print: &str) -> String {
    format!(
        "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(_ctx: &Context, _req: Request) -> Response {{\n    println!(\"{print}\");\n    Response::ok(json!({{ \"v\": {version} }}))\n}}\n"
    )
}

fn wait_until(what: &str, secs: u64, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn dev_redeploys_on_save_and_streams_logs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(&dir.path().join("data"), &[]);
    let file = dir.path().join("handler.rs");
    std::fs::write(&file, code(1, "first print")).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .args(["dev", file.to_str().expect("utf-8"), "--path", "/dev"])
        .env("REG_ADMIN_URL", format!("http://{}", gw.admin))
        .env("REG_DATA_DIR", &gw.data_dir)
        .env_remove("REG_ADMIN_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dev");
    let out = Arc::new(Mutex::new(String::new()));
    let err = Arc::new(Mutex::new(String::new()));
    {
        let out = Arc::clone(&out);
        let pipe = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut o = out.lock().expect("lock");
                o.push_str(&line);
                o.push('\n');
            }
        });
        let err = Arc::clone(&err);
        let mut pipe = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                err.lock()
                    .expect("lock")
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
    }
    let v = || gw.get("/dev").json()["v"].as_u64();
    wait_until("v1 to serve", 300, || v() == Some(1));

    std::fs::write(&file, code(2, "second print")).expect("write");
    wait_until("v2 after a save", 120, || v() == Some(2));

    // A save that does not compile: diagnostics printed, v2 keeps serving.
    std::fs::write(
        &file,
        code(3, "third").replace("Response::ok", "Response::okk"),
    )
    .expect("write");
    wait_until("the compile error", 120, || {
        err.lock().expect("lock").contains("src/lib.rs:")
            && out.lock().expect("lock").contains("does not compile")
    });
    assert_eq!(v(), Some(2));

    std::fs::write(&file, code(4, "dev-log-marker")).expect("write");
    wait_until("v4", 120, || v() == Some(4));
    wait_until("the handler's print streamed", 30, || {
        gw.get("/dev");
        out.lock().expect("lock").contains("dev-log-marker")
    });
    // Stopped: the endpoint stays as it is.
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(v(), Some(4));
}
