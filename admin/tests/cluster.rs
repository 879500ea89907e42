//! Cluster mode: three gateway processes on loopback, each with its own data dir, on one
//! PostgreSQL config store (a server of this test's own, so it can be restarted) and one
//! SeaweedFS bucket of handler libraries.

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::backends::{require, TempBucket};
use support::postgres::Postgres;
use support::{versioned_code, Gateway};

const TOKEN: &str = "cluster-test-token";
const S3_ENV: [(&str, &str); 4] = [
    ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"),
    ("AWS_REGION", "us-east-1"),
    ("AWS_ACCESS_KEY_ID", "minioadmin"),
    ("AWS_SECRET_ACCESS_KEY", "minioadmin"),
];

/// The cluster's secrets key file (the same for every node).
fn key_file() -> &'static str {
    static KEY: std::sync::OnceLock<(tempfile::TempDir, String)> = std::sync::OnceLock::new();
    &KEY.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("cluster.key");
        std::fs::write(
            &path,
            "a5f1c0ffee0ddba11deadbeefcafef00d5eed1e55c0de1234567890abcdef12",
        )
        .expect("key file");
        let path = path.display().to_string();
        (dir, path)
    })
    .1
}

fn node(dir: &Path, id: &str, store: &str, artifacts: &str) -> Gateway {
    Gateway::start_with(
        None,
        dir,
        &[
            "--secret-key-file",
            key_file(),
            "--store",
            store,
            "--artifacts",
            artifacts,
            "--node-id",
            id,
            "--admin-token",
            TOKEN,
            "--reconcile-interval",
            "2",
            "--quarantine-after",
            "1",
        ],
        &S3_ENV,
    )
}

/// Spins (never yields) for `?ms=` milliseconds.
const SPIN: &str = r#"use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {
    let ms: u64 = req.query_param_as("ms").unwrap_or(1);
    let end = std::time::Instant::now() + std::time::Duration::from_millis(ms);
    while std::time::Instant::now() < end {
        std::hint::spin_loop();
    }
    Response::ok(json!({ "spun_ms": ms }))
}
"#;

/// Answers the variable GREETING.
const VARS: &str = "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(ctx: &Context, _req: Request) -> Response {\n    Response::ok(json!({ \"greeting\": ctx.var(\"GREETING\") }))\n}\n";

/// Waits until `GET path` on the node answers `status` with a body containing `text`.
fn until_answers(gw: &Gateway, path: &str, status: u16, text: &str, within: Duration) {
    let started = Instant::now();
    loop {
        let r = gw.get(path);
        let body = String::from_utf8_lossy(&r.body).into_owned();
        if r.status == status && body.contains(text) {
            return;
        }
        assert!(
            started.elapsed() < within,
            "{path} answers {} {body:?}, not {status} with {text:?}",
            r.status
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The `v` a node's `/cluster` answers (0 when it answers something else).
fn served_version(gw: &Gateway) -> u64 {
    let r = gw.get("/cluster");
    if r.status != 200 {
        return 0;
    }
    r.json()["v"].as_u64().unwrap_or(0)
}

/// Waits until every node serves `version`; how long that took.
fn until_served(nodes: &[&Gateway], version: u64, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if nodes.iter().all(|n| served_version(n) == version) {
            return started.elapsed();
        }
        let now: Vec<u64> = nodes.iter().map(|n| served_version(n)).collect();
        assert!(
            started.elapsed() < within,
            "nodes still serve {now:?}, not v{version}, after {within:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn edit(gw: &Gateway, id: &str, version: u32) {
    let (s, v) = gw.api(
        "PUT",
        &format!("/endpoints/{id}"),
        Some(json!({ "code": versioned_code(version) })),
    );
    assert_eq!(s, 200, "{v}");
}

fn compile(gw: &Gateway, id: &str) {
    let (s, v) = gw.api("POST", &format!("/endpoints/{id}/compile"), None);
    assert_eq!(s, 200, "compile: {v}");
}

fn start(gw: &Gateway, id: &str) {
    let (s, v) = gw.api("POST", &format!("/endpoints/{id}/start"), None);
    assert_eq!(s, 200, "start: {v}");
}

fn wrk(gw: &Gateway, secs: u32) -> Child {
    Command::new("wrk")
        .args([
            "-t1",
            "-c8",
            &format!("-d{secs}s"),
            &format!("http://{}/cluster", gw.gateway),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wrk (installed by scripts/test.sh)")
}

/// Waits for wrk and asserts it made requests and every one got a 2xx.
fn no_failures(child: Child, what: &str) -> u64 {
    let out = child.wait_with_output().expect("wrk");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{what}: {text}");
    let requests = support::wrk_requests(&text);
    assert!(
        requests > 500,
        "{what}: wrk made only {requests} requests\n{text}"
    );
    for bad in ["Socket errors", "Non-2xx"] {
        assert_eq!(support::wrk_line(&text, bad), None, "{what}: {text}");
    }
    requests
}

/// Polls `cond` until it holds; fails with `what` after `within`. How long it took.
fn wait_until(within: Duration, what: &str, mut cond: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !cond() {
        assert!(started.elapsed() < within, "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
    started.elapsed()
}

/// Waits until the node's writes go through again (the store came back); the node.
fn c_retry(gw: &Gateway) -> &Gateway {
    let started = Instant::now();
    loop {
        let (s, v) = gw.api("GET", "/domains", None);
        if s == 200 {
            return gw;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{v}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn nodes_of(gw: &Gateway) -> Value {
    let (s, v) = gw.api("GET", "/nodes", None);
    assert_eq!(s, 200, "{v}");
    v["data"].clone()
}

#[test]
fn three_nodes_share_one_store_and_one_bucket() {
    require("S3 (SeaweedFS)", 9000);
    let pg = Postgres::start();
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| scenario(&pg)));
    if let Err(panic) = run {
        // The store's side of a failure.
        let text = pg.log();
        let log: Vec<&str> = text
            .lines()
            .filter(|l| !l.contains("connection "))
            .collect();
        eprintln!("PostgreSQL log:\n{}", log.join("\n"));
        std::panic::resume_unwind(panic);
    }
}

fn scenario(pg: &Postgres) {
    let bucket = TempBucket::make("reg-cluster-test");
    let store = pg.url();
    let artifacts = format!("s3://{}/libs", bucket.0);
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("tmp")).collect();
    let a = node(dirs[0].path(), "a", &store, &artifacts);
    let b = node(dirs[1].path(), "b", &store, &artifacts);
    let mut c = node(dirs[2].path(), "c", &store, &artifacts);

    // Deploy through A: B and C download the library and serve it.
    let id = a.create("cluster", "GET", "/cluster", Some(&versioned_code(1)));
    compile(&a, &id);
    start(&a, &id);
    assert_eq!(served_version(&a), 1, "the deploying node serves at once");
    let took = until_served(&[&b, &c], 1, Duration::from_secs(10));
    eprintln!("v1 deployed through A: B and C serve it {took:?} after start answered");

    // The nodes list: three, up, each serving v1 (the stored version number).
    let started = Instant::now();
    let listed = loop {
        let n = nodes_of(&b);
        let all = n["nodes"].as_array().cloned().unwrap_or_default();
        let serving_v1 = all
            .iter()
            .filter(|x| x["state"] == "up" && x["serving"][&id]["version"] == 1)
            .count();
        if serving_v1 == 3 {
            break n;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{n}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let ids: Vec<&str> = listed["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert_eq!(ids, ["a", "b", "c"], "{listed}");
    for n in listed["nodes"].as_array().expect("nodes") {
        assert_eq!(n["version"], env!("CARGO_PKG_VERSION"), "{n}");
        assert!(
            n["fingerprint"]
                .as_str()
                .is_some_and(|f| f.starts_with("rega1|")),
            "{n}"
        );
        assert!(
            n["gateway_address"]
                .as_str()
                .is_some_and(|g| g.starts_with("127.0.0.1:")),
            "{n}"
        );
    }
    assert_eq!(listed["disagreements"], json!({}), "{listed}");
    // The command-line client lists them too.
    let out = Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
        .args([
            "--admin-url",
            &format!("http://{}", c.admin),
            "--admin-token",
            TOKEN,
            "nodes",
        ])
        .output()
        .expect("rust-edge-gateway nodes");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in ["a", "b", "c"] {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{name} "))
                && l.contains(" up ")
                && l.contains(&format!("{id}=v1"))),
            "{text}"
        );
    }

    // A certificate uploaded through A is served by B and C; its key is sealed in the
    // store; deleted through B, it is gone everywhere.
    let ca = support::tls_ca::Ca::new();
    let cert = a.add_certificate(&ca.issue("cluster", &["cluster.example.test"], "c1"));
    let cert_id = cert["id"].as_str().expect("certificate id").to_string();
    let has_cert = |gw: &Gateway| {
        let (_, v) = gw.api("GET", "/certificates", None);
        v["data"]
            .as_array()
            .is_some_and(|l| l.iter().any(|c| c["id"] == cert_id.as_str()))
    };
    let took = wait_until(
        Duration::from_secs(10),
        "the certificate did not reach B and C",
        || has_cert(&b) && has_cert(&c),
    );
    eprintln!("a certificate added through A is served by B and C after {took:?}");
    let sealed = pg.psql("gateway", "SELECT key_sealed FROM certificates");
    assert!(
        sealed.contains("(1 row)") && !sealed.contains("PRIVATE"),
        "{sealed}"
    );
    let (s, v) = b.api("DELETE", &format!("/certificates/{cert_id}"), None);
    assert_eq!(s, 200, "{v}");
    wait_until(
        Duration::from_secs(10),
        "the deleted certificate is still served",
        || !(has_cert(&a) || has_cert(&c)),
    );

    // Variables set through B reach A and C (no recompile, no swap); a stop through C and a
    // delete through B reach every node.
    let vars = a.create("vars", "GET", "/vars", Some(VARS));
    let (s, v) = a.api(
        "PUT",
        &format!("/endpoints/{vars}"),
        Some(json!({"variables": {"GREETING": "one"}})),
    );
    assert_eq!(s, 200, "{v}");
    compile(&a, &vars);
    start(&a, &vars);
    for n in [&a, &b, &c] {
        until_answers(n, "/vars", 200, "\"one\"", Duration::from_secs(10));
    }
    for greeting in ["two", "three"] {
        // Two edits within one second are both seen.
        let (s, v) = b.api(
            "PUT",
            &format!("/endpoints/{vars}"),
            Some(json!({"variables": {"GREETING": greeting}})),
        );
        assert_eq!(s, 200, "{v}");
    }
    for n in [&a, &c] {
        until_answers(n, "/vars", 200, "\"three\"", Duration::from_secs(10));
    }
    let (s, v) = c.api("POST", &format!("/endpoints/{vars}/stop"), None);
    assert_eq!(s, 200, "{v}");
    for n in [&a, &b, &c] {
        until_answers(n, "/vars", 404, "", Duration::from_secs(10));
    }
    start(&a, &vars);
    until_answers(&c, "/vars", 200, "three", Duration::from_secs(10));
    let (s, v) = b.api("DELETE", &format!("/endpoints/{vars}"), None);
    assert_eq!(s, 200, "{v}");
    for n in [&a, &b, &c] {
        until_answers(n, "/vars", 404, "", Duration::from_secs(10));
    }

    // A service activated through A gets an actor on B and C too (each node connects to
    // the backend itself); deactivated through C, it stops everywhere.
    let svc = a.service(
        "kv",
        "sqlite",
        json!({"path": "kv.db", "create_if_missing": true}),
    );
    a.activate(&svc);
    let has_actor = |gw: &Gateway| {
        gw.metrics_text()
            .lines()
            .any(|l| l.starts_with("reg_service_calls_total{") && l.contains("service=\"kv\""))
    };
    wait_until(Duration::from_secs(10), "no kv actor on B and C", || {
        has_actor(&b) && has_actor(&c)
    });
    let (s, v) = c.api("POST", &format!("/services/{svc}/deactivate"), None);
    assert_eq!(s, 200, "{v}");
    wait_until(
        Duration::from_secs(10),
        "the kv actor still runs on A or B",
        || !(has_actor(&a) || has_actor(&b)),
    );

    // A hot swap through B while wrk loads A and C: every request answered.
    edit(&b, &id, 2);
    compile(&b, &id);
    let (load_a, load_c) = (wrk(&a, 6), wrk(&c, 6));
    std::thread::sleep(Duration::from_secs(2));
    start(&b, &id);
    let took = until_served(&[&a, &c], 2, Duration::from_secs(10));
    eprintln!("v2 deployed through B under load: A and C serve it {took:?} after start answered");
    let (na, nc) = (no_failures(load_a, "node A"), no_failures(load_c, "node C"));
    eprintln!("during the swap: {na} requests on A, {nc} on C, none failed");

    // C killed with -9 misses a deploy; restarted, it serves it.
    c.child.kill().expect("kill -9 C");
    c.child.wait().expect("reap C");
    edit(&a, &id, 3);
    compile(&a, &id);
    start(&a, &id);
    until_served(&[&a, &b], 3, Duration::from_secs(10));
    c = node(dirs[2].path(), "c", &store, &artifacts);
    assert_eq!(
        served_version(&c),
        3,
        "C serves the version deployed while it was down, at its ready line"
    );

    // PostgreSQL restarted while wrk loads every node: no request fails, and a deploy
    // after it reaches every node.
    edit(&b, &id, 4);
    compile(&b, &id);
    let loads = [wrk(&a, 5), wrk(&b, 5), wrk(&c, 5)];
    std::thread::sleep(Duration::from_secs(1));
    pg.restart();
    for (load, name) in loads.into_iter().zip(["A", "B", "C"]) {
        no_failures(load, &format!("node {name} while PostgreSQL restarted"));
    }
    // The pool notices the restart on its first query; a write may need one retry.
    let started = Instant::now();
    loop {
        let (s, v) = b.api("POST", &format!("/endpoints/{id}/start"), None);
        if s == 200 {
            break;
        }
        assert_eq!(s, 503, "{v}");
        assert!(started.elapsed() < Duration::from_secs(15), "{v}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let took = until_served(&[&a, &c], 4, Duration::from_secs(10));
    eprintln!(
        "v4 deployed after the PostgreSQL restart: A and C serve it {took:?} after start answered"
    );

    // PostgreSQL down: the nodes keep serving, writes answer 503 with the reason, health
    // says the store is unreachable.
    pg.stop();
    let (s, v) = a.api(
        "PUT",
        &format!("/endpoints/{id}"),
        Some(json!({"description": "x"})),
    );
    assert_eq!(s, 503, "{v}");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("config store is unreachable")),
        "{v}"
    );
    for n in [&a, &b, &c] {
        assert_eq!(served_version(n), 4);
    }
    let started = Instant::now();
    loop {
        let (_, h) = a.api("GET", "/health", None);
        if h["data"]["cluster"]["store_reachable"] == false {
            // A load balancer's probe keeps the node in: it serves.
            assert_eq!(h["data"]["status"], "healthy", "{h}");
            assert!(
                h["data"]["warnings"][0]
                    .as_str()
                    .is_some_and(|w| w.contains("unreachable")),
                "{h}"
            );
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "{h}");
        std::thread::sleep(Duration::from_millis(200));
    }

    // A node started while the store is unreachable serves its cached state and says so.
    drop(c);
    let c = node(dirs[2].path(), "c", &store, &artifacts);
    assert_eq!(served_version(&c), 4, "C serves its cached state");
    let (_, h) = c.api("GET", "/health", None);
    assert_eq!(h["data"]["cluster"]["serving_cached_state"], true, "{h}");
    assert_eq!(h["data"]["cluster"]["store_reachable"], false, "{h}");

    // The store returns: C follows it again, and a deploy through C reaches every node.
    pg.start_again();
    let started = Instant::now();
    loop {
        let (_, h) = c.api("GET", "/health", None);
        if h["data"]["cluster"]["store_reachable"] == true
            && h["data"]["cluster"]["serving_cached_state"] == false
        {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{h}");
        std::thread::sleep(Duration::from_millis(200));
    }
    // Its cache is written again from the store: down once more and restarted, it still
    // serves.
    std::thread::sleep(Duration::from_secs(1));
    pg.stop();
    drop(c);
    let c = node(dirs[2].path(), "c", &store, &artifacts);
    assert_eq!(
        served_version(&c),
        4,
        "C serves its cached state after a second restart without the store"
    );
    pg.start_again();
    edit(c_retry(&c), &id, 5);
    compile(&c, &id);
    start(&c, &id);
    until_served(&[&a, &b, &c], 5, Duration::from_secs(10));

    // A node whose ABI fingerprint differs from the deploying node's (another toolchain)
    // never loads that node's library: it builds the deployed code itself. Here C is down
    // while v6 is deployed, and the store is made to say a node of another ABI built it,
    // from a library no bucket holds.
    let mut c = c;
    c.child.kill().expect("kill C");
    c.child.wait().expect("reap C");
    edit(&a, &id, 6);
    compile(&a, &id);
    start(&a, &id);
    until_served(&[&a, &b], 6, Duration::from_secs(10));
    let forged = pg.psql(
        "gateway",
        &format!(
            "UPDATE endpoints SET deployed_fingerprint = 'rega1|another toolchain', \
             deployed_library = '/elsewhere/libs/libhandler-00000000000000000000000000000000.so' WHERE id = '{id}'"
        ),
    );
    assert!(forged.contains("UPDATE 1"), "{forged}");
    let c = node(dirs[2].path(), "c", &store, &artifacts);
    let took = until_served(&[&c], 6, Duration::from_secs(240));
    eprintln!("C built v6 itself (other ABI) and serves it {took:?} after its ready line");
    // Its heartbeat says so (within two heartbeats), and the nodes agree again.
    let started = Instant::now();
    loop {
        let listed = nodes_of(&a);
        let c_serves = listed["nodes"]
            .as_array()
            .and_then(|n| n.iter().find(|x| x["id"] == "c").cloned())
            .is_some_and(|c| c["serving"][&id]["version"] == 6);
        if c_serves && listed["disagreements"] == json!({}) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{listed}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let row = pg.psql(
        "gateway",
        &format!("SELECT deployed_fingerprint FROM endpoints WHERE id = '{id}'"),
    );
    assert!(
        row.contains("another toolchain"),
        "C must not record its own build as the cluster's: {row}"
    );

    // A quarantine node A's watchdog makes (a call held a worker past 1 s) reaches B and
    // C; a start through B lifts it on every node.
    let spin = a.create("spin", "GET", "/spin", Some(SPIN));
    compile(&a, &spin);
    start(&a, &spin);
    for n in [&b, &c] {
        until_answers(n, "/spin?ms=1", 200, "spun_ms", Duration::from_secs(10));
    }
    let gateway_a = a.gateway;
    let spinner = std::thread::spawn(move || {
        rust_edge_gateway_tests::http::Conn::open_with_timeout(gateway_a, Duration::from_secs(30))
            .send(b"GET /spin?ms=3000 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .reply()
    });
    for n in [&b, &c] {
        until_answers(
            n,
            "/spin?ms=1",
            503,
            "quarantined by node a",
            Duration::from_secs(10),
        );
    }
    let (_, listed) = c.api("GET", &format!("/endpoints/{spin}"), None);
    assert_eq!(listed["data"]["status"], "quarantined", "{listed}");
    let _ = spinner.join();
    start(&b, &spin);
    for n in [&a, &b, &c] {
        until_answers(n, "/spin?ms=1", 200, "spun_ms", Duration::from_secs(10));
    }

    // The bucket unreachable from a node: it keeps serving, and a compile or deploy
    // through it fails cleanly (503 naming the bucket, nothing recorded).
    let d_dir = tempfile::tempdir().expect("tmp");
    let d = Gateway::start_with(
        None,
        d_dir.path(),
        &[
            "--secret-key-file",
            key_file(),
            "--store",
            &store,
            "--artifacts",
            &artifacts,
            "--node-id",
            "d",
            "--admin-token",
            TOKEN,
        ],
        &[
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "minioadmin"),
            ("AWS_SECRET_ACCESS_KEY", "minioadmin"),
        ],
    );
    // It has no library of v6 and cannot download one: it builds v6 from the deployed code
    // in the store, then serves.
    until_served(&[&d], 6, Duration::from_secs(240));
    let (_, before) = a.api("GET", &format!("/endpoints/{id}"), None);
    edit(&d, &id, 7);
    let (s, v) = d.api("POST", &format!("/endpoints/{id}/compile"), None);
    assert_eq!(s, 503, "{v}");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("artifact bucket")),
        "{v}"
    );
    let (_, after) = a.api("GET", &format!("/endpoints/{id}"), None);
    assert_eq!(
        after["data"]["version"], before["data"]["version"],
        "a build no node can fetch is not recorded"
    );
    for n in [&a, &b, &c, &d] {
        assert_eq!(served_version(n), 6);
    }
    drop(d);

    // A row this version cannot read (as a newer gateway might write during a rolling
    // upgrade) does not stop the nodes from following the store: that endpoint stays as it
    // serves, and the others are deployed as usual.
    let forged = pg.psql(
        "gateway",
        &format!("UPDATE endpoints SET status = 'a-status-of-version-n+1' WHERE id = '{spin}'"),
    );
    assert!(forged.contains("UPDATE 1"), "{forged}");
    compile(&a, &id);
    start(&a, &id);
    until_served(&[&a, &b, &c], 7, Duration::from_secs(10));
    for n in [&a, &b, &c] {
        until_answers(n, "/spin?ms=1", 200, "spun_ms", Duration::from_secs(3));
    }
    let restored = pg.psql(
        "gateway",
        &format!("UPDATE endpoints SET status = 'running' WHERE id = '{spin}'"),
    );
    assert!(restored.contains("UPDATE 1"), "{restored}");

    // Request counters add up over the nodes.
    let (s, v) = a.api("GET", "/stats?scope=cluster", None);
    assert_eq!(s, 200, "{v}");
    // A, B, C, and D until its heartbeat is 10 s old.
    assert!(
        v["data"]["nodes_up"].as_u64().is_some_and(|n| n >= 3),
        "{v}"
    );
    let (_, one) = a.api("GET", "/stats", None);
    assert!(
        v["data"]["requests_handled"].as_u64() > one["data"]["requests_handled"].as_u64(),
        "cluster {v} vs node {one}"
    );
}
