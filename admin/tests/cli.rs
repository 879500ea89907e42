//! The command-line client against a running gateway: deploy a handler file (then a 200 on
//! the gateway port), redeploy (a hot swap), a compile error (non-zero exit with rustc's
//! message), list, logs, an OpenAPI import, and an unreachable admin API.

mod support;

use std::process::{Command, Output};

use support::{versioned_code, Gateway};

fn cli(gw: &Gateway, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .args(args)
        .env("REG_ADMIN_URL", format!("http://{}", gw.admin))
        // No token given: the client reads the one the gateway keeps in its data dir.
        .env("REG_DATA_DIR", &gw.data_dir)
        .env_remove("REG_ADMIN_TOKEN")
        .output()
        .expect("run the client")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn deploy_list_logs_import_and_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let file = dir.path().join("hello.rs");
    std::fs::write(&file, versioned_code(1)).expect("write");
    let f = file.to_str().expect("utf-8");

    let out = cli(
        &gw,
        &[
            "endpoint",
            "deploy",
            "--path",
            "/cli-hello",
            "--method",
            "GET",
            f,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("compiling"),
        "progress shown: {}",
        text(&out.stderr)
    );
    let line = text(&out.stdout);
    assert!(line.contains("GET /cli-hello running"), "{line}");
    let id = line.split_whitespace().next().expect("id").to_string();
    let r = gw.get("/cli-hello");
    assert_eq!(r.status, 200);
    assert!(text(&r.body).contains("\"v\":1"), "{}", text(&r.body));

    // Redeploying the same route updates it in place (hot swap).
    std::fs::write(&file, versioned_code(2)).expect("write");
    let out = cli(&gw, &["endpoint", "deploy", "--path", "/cli-hello", f]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with(&id),
        "same endpoint: {}",
        text(&out.stdout)
    );
    assert!(text(&gw.get("/cli-hello").body).contains("\"v\":2"));

    // A compile error: non-zero exit, rustc's message, the old version still serving.
    std::fs::write(
        &file,
        "use rust_edge_gateway_sdk::prelude::*;\nfn broken( {\n",
    )
    .expect("write");
    let out = cli(&gw, &["endpoint", "deploy", "--path", "/cli-hello", f]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("error") && err.contains("src/lib.rs:2"),
        "{err}"
    );
    assert!(text(&gw.get("/cli-hello").body).contains("\"v\":2"));

    let out = cli(&gw, &["endpoint", "list"]);
    assert!(
        out.status.success() && text(&out.stdout).contains("/cli-hello"),
        "{}",
        text(&out.stdout)
    );
    let out = cli(&gw, &["endpoint", "logs", &id]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cli(&gw, &["endpoint", "logs", "no-such-id"]);
    assert!(
        !out.status.success() && text(&out.stderr).contains("404"),
        "{}",
        text(&out.stderr)
    );

    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/data/petstore3-openapi.yaml"
    );
    let out = cli(&gw, &["import", "openapi", spec]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().count(),
        19,
        "{}",
        text(&out.stdout)
    );

    let out = Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .args(["service", "list", "--admin-url", "http://127.0.0.1:9"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not reachable"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn health_exits_zero_on_a_healthy_gateway_and_one_when_it_is_down() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let out = cli(&gw, &["health"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("healthy"),
        "{}",
        text(&out.stdout)
    );

    let admin = gw.admin;
    drop(gw);
    let out = Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .arg("health")
        .env("REG_ADMIN_URL", format!("http://{admin}"))
        .env("REG_DATA_DIR", dir.path())
        .output()
        .expect("run the client");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("not reachable"),
        "{}",
        text(&out.stderr)
    );
}
