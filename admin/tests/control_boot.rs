//! A boot whose rebuild hangs still answers the admin API (health says the restore is not
//! done), serves every endpoint whose library is valid, and puts the hung one in error when
//! the build timeout stops it.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::fixtures::{setup, with_dependency};
use support::{versioned_code, Gateway};

#[test]
fn a_boot_with_a_hung_rebuild_still_answers_and_serves_the_others() {
    let t = setup();
    let (plain, hung) = {
        let gw = Gateway::start_in(Some(&t.cwd), &t.data, &[]);
        let plain = gw.create("plain", "GET", "/plain", Some(&versioned_code(1)));
        gw.deploy(&plain);
        let hung = with_dependency(&gw, "/hung", 1, "reg-hang-fixture");
        gw.deploy(&hung);
        (plain, hung)
        // killed with -9
    };
    // Its deployed library must be rebuilt at boot (as after a toolchain change), and that
    // rebuild hangs.
    std::fs::write(&t.marker, b"hang").expect("marker");
    let status = std::process::Command::new("python3")
        .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"update endpoints set deployed_fingerprint='from-another-build' where id=?\", (sys.argv[2],)); c.commit()"])
        .arg(t.data.join("gateway.db"))
        .arg(&hung)
        .status()
        .expect("python3");
    assert!(status.success());
    let gw = Gateway::start_in(Some(&t.cwd), &t.data, &["--build-timeout", "6"]);
    // While the rebuild hangs: the admin API answers, health says the restore is not done,
    // the other endpoint serves.
    let (s, h) = gw.raw_api("GET", "/health", None, "");
    assert_eq!(
        (s, &h["data"]["restore"]["done"]),
        (200, &json!(false)),
        "{h}"
    );
    let (s, list) = gw.api("GET", "/endpoints", None);
    assert_eq!(s, 200, "{list}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while gw.get("/plain").status != 200 {
        assert!(Instant::now() < deadline, "plain endpoint not restored");
        std::thread::sleep(Duration::from_millis(50));
    }
    // After the timeout: the restore is over, the hung one is in error with the reason.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, h) = gw.raw_api("GET", "/health", None, "");
        if h["data"]["restore"]["done"] == json!(true) {
            assert_eq!(h["data"]["restore"]["failed"], json!(1), "{h}");
            assert_eq!(h["data"]["restore"]["loaded"], json!(1), "{h}");
            break;
        }
        assert!(Instant::now() < deadline, "restore never finished: {h}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, e) = gw.api("GET", &format!("/endpoints/{hung}"), None);
    assert_eq!(e["data"]["status"], json!("error"), "{e}");
    assert!(
        e["data"]["last_error"]
            .as_str()
            .is_some_and(|m| m.contains("did not finish")),
        "{e}"
    );
    assert_eq!(gw.get("/plain").json()["v"], 1);
    let (_, e) = gw.api("GET", &format!("/endpoints/{plain}"), None);
    assert_eq!(e["data"]["status"], json!("running"));
    std::fs::remove_file(&t.marker).expect("unmark");
}

#[test]
fn an_endpoint_stopped_while_its_rebuild_runs_stays_stopped() {
    let t = setup();
    let hung = {
        let gw = Gateway::start_in(Some(&t.cwd), &t.data, &[]);
        let hung = with_dependency(&gw, "/later", 1, "reg-hang-fixture");
        gw.deploy(&hung);
        hung
    };
    std::fs::write(&t.marker, b"hang").expect("marker");
    let status = std::process::Command::new("python3")
        .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"update endpoints set deployed_fingerprint='from-another-build'\"); c.commit()"])
        .arg(t.data.join("gateway.db"))
        .status()
        .expect("python3");
    assert!(status.success());
    let gw = Gateway::start_in(Some(&t.cwd), &t.data, &["--build-timeout", "60"]);
    // Stopped through the API while the boot rebuild hangs; then the build finishes.
    let (s, v) = gw.api("POST", &format!("/endpoints/{hung}/stop"), None);
    assert_eq!(s, 200, "{v}");
    std::fs::remove_file(&t.marker).expect("unmark");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let (_, h) = gw.raw_api("GET", "/health", None, "");
        if h["data"]["restore"]["done"] == json!(true) {
            assert_eq!(h["data"]["restore"]["skipped"], json!(1), "{h}");
            break;
        }
        assert!(Instant::now() < deadline, "restore never finished: {h}");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        gw.get("/later").status,
        404,
        "a stopped endpoint was served by the restore"
    );
    let (_, e) = gw.api("GET", &format!("/endpoints/{hung}"), None);
    assert_eq!(e["data"]["status"], json!("stopped"), "{e}");
}
