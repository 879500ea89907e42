//! Handler builds are fenced: cargo sees a cleared environment plus an allowlist (a fixture
//! dependency's build script records what it sees), a build past `--build-timeout` is killed
//! with its build scripts and reported while the deployed version keeps serving,.
//!
//! The fixture crates are made by the test (`support::fixtures`).

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::fixtures::{setup, with_dependency};
use support::{versioned_code, Gateway};

#[test]
fn builds_see_only_the_allowlisted_environment() {
    let t = setup();
    // The gateway's own environment holds secrets a dependency must not see.
    std::env::set_var("REG_BUILD_ENV_CANARY", "canary-secret");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "aws-canary");
    let gw = Gateway::start_in(
        Some(&t.cwd),
        &t.data,
        &["--admin-token", "token-canary", "--build-jobs", "1"],
    );
    std::env::remove_var("REG_BUILD_ENV_CANARY");
    std::env::remove_var("AWS_SECRET_ACCESS_KEY");
    let id = with_dependency(&gw, "/probe", 1, "reg-envprobe-fixture");
    gw.deploy(&id);
    let seen = std::fs::read_to_string(&t.env_out).expect("the build script ran");
    for secret in ["canary-secret", "aws-canary", "token-canary"] {
        assert!(
            !seen.contains(secret),
            "a build script saw {secret}:\n{seen}"
        );
    }
    assert!(seen.lines().any(|l| l.starts_with("PATH=")), "{seen}");
    assert!(seen.lines().any(|l| l.starts_with("HOME=")), "{seen}");

    // The SDK's and the standard library's names are refused as dependencies.
    for name in ["rust-edge-gateway-sdk", "std", "core", "alloc"] {
        let (s, v) = gw.api(
            "PUT",
            &format!("/endpoints/{id}"),
            Some(json!({"dependencies": {name: "1"}})),
        );
        assert_eq!(s, 400, "{name}: {v}");
    }
}

#[test]
fn a_hung_build_is_stopped_at_its_timeout_and_the_deployed_version_serves() {
    let t = setup();
    let gw = Gateway::start_in(Some(&t.cwd), &t.data, &["--build-timeout", "4"]);
    let id = with_dependency(&gw, "/slow", 1, "reg-hang-fixture");
    gw.deploy(&id);
    assert_eq!(gw.get("/slow").json()["v"], 1);

    // The next build hangs in the dependency's build script.
    std::fs::write(&t.marker, b"hang").expect("marker");
    let (s, _) = gw.api(
        "PUT",
        &format!("/endpoints/{id}"),
        Some(json!({"code": versioned_code(2)})),
    );
    assert_eq!(s, 200);
    let started = Instant::now();
    let (s, v) = gw.api("POST", &format!("/endpoints/{id}/compile"), None);
    let took = started.elapsed();
    assert_eq!(s, 422, "{v}");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("did not finish within 4 s")),
        "{v}"
    );
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert_eq!(
        gw.get("/slow").json()["v"],
        1,
        "the deployed version serves"
    );
    // The build script was stopped with cargo (its process group), not left running.
    std::thread::sleep(Duration::from_millis(500));
    let left = std::process::Command::new("pgrep")
        .args(["-f", "reg-hang-fixture"])
        .output()
        .expect("pgrep");
    assert!(
        left.stdout.is_empty(),
        "left running: {}",
        String::from_utf8_lossy(&left.stdout)
    );
    std::fs::remove_file(&t.marker).expect("unmark");
}
