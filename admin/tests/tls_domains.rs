//! HTTPS per domain and around the edges, with real clients: a domain's 308 to HTTPS and
//! its HSTS header (curl), the default certificate for clients without SNI
//! (`openssl s_client -noservername`), the admin API over HTTPS (curl), and a certificate
//! rotated while wrk holds 32 HTTPS connections.

mod support;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rust_edge_gateway_tests::http::{Conn, Reply};
use serde_json::{json, Value};
use support::tls_ca::Ca;
use support::Gateway;

const SCHEME_HANDLER: &str = r#"use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {
    Response::ok(json!({ "scheme": req.scheme() }))
}
"#;

fn plain(gw: &Gateway, host: &str, target: &str) -> Reply {
    let raw = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    Conn::open(gw.gateway)
        .send(raw.as_bytes())
        .reply()
        .expect("plain reply")
}

/// curl with the test CA, every name resolved to 127.0.0.1; (exit code, headers + body).
fn curl(ca: &Ca, resolve: &[(&str, u16)], url: &str, extra: &[&str]) -> (i32, String) {
    let mut c = Command::new("curl");
    c.args(["-sS", "-i", "--max-time", "10", "--cacert"])
        .arg(ca.ca_pem());
    for (name, port) in resolve {
        c.arg("--resolve").arg(format!("{name}:{port}:127.0.0.1"));
    }
    let out = c.args(extra).arg(url).output().expect("curl");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn header_line<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines()
        .find(|l| {
            l.split_once(':')
                .is_some_and(|(k, _)| k.eq_ignore_ascii_case(name))
        })
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim())
}

fn domain(gw: &Gateway, host: &str, redirect: bool, hsts: Option<i64>) -> String {
    let (s, v) = gw.api(
        "POST",
        "/domains",
        Some(json!({"name": host, "host": host, "https_redirect": redirect, "hsts_max_age": hsts})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["https_redirect"], json!(redirect));
    assert_eq!(v["data"]["hsts_max_age"], json!(hsts));
    v["data"]["id"].as_str().expect("id").to_string()
}

#[test]
fn a_domain_redirects_plain_http_with_308_and_its_https_answers_carry_hsts() {
    let ca = Ca::new();
    let data = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(data.path(), &[]);
    let tls = gw.tls.expect("TLS listener");
    gw.add_certificate(&ca.issue(
        "secure",
        &["secure.example.test", "open.example.test"],
        "c1",
    ));
    let ep = gw.create("scheme", "GET", "/scheme", Some(SCHEME_HANDLER));
    gw.deploy(&ep);
    let id = domain(&gw, "secure.example.test", true, Some(31_536_000));
    domain(&gw, "open.example.test", false, None);

    // 308 to the same host (its port dropped) and target, on the TLS port.
    let r = plain(
        &gw,
        &format!("secure.example.test:{}", gw.gateway.port()),
        "/scheme?x=1&y=%20",
    );
    assert_eq!(r.status, 308, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        r.header("location"),
        Some(
            format!(
                "https://secure.example.test:{}/scheme?x=1&y=%20",
                tls.port()
            )
            .as_str()
        )
    );
    assert_eq!(
        r.header("strict-transport-security"),
        None,
        "HSTS is never sent over HTTP"
    );
    // Other hosts are not redirected; ACME http-01 challenges never are.
    assert_eq!(plain(&gw, "open.example.test", "/scheme").status, 200);
    assert_eq!(
        plain(
            &gw,
            "secure.example.test",
            "/.well-known/acme-challenge/token"
        )
        .status,
        404
    );

    // curl follows the redirect to HTTPS; the handler sees https and the answer has HSTS.
    let (code, out) = curl(
        &ca,
        &[
            ("secure.example.test", gw.gateway.port()),
            ("secure.example.test", tls.port()),
        ],
        &format!("http://secure.example.test:{}/scheme", gw.gateway.port()),
        &["-L"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("HTTP/1.1 308"), "{out}");
    assert!(out.contains(r#"{"scheme":"https"}"#), "{out}");
    assert_eq!(
        header_line(&out, "strict-transport-security"),
        Some("max-age=31536000")
    );
    // Errors over HTTPS carry it too; a domain without HSTS sends none.
    let https = |name: &str, path: &str| {
        curl(
            &ca,
            &[(name, tls.port())],
            &format!("https://{name}:{}{path}", tls.port()),
            &[],
        )
    };
    let (_, out) = https("secure.example.test", "/nothing");
    assert!(out.starts_with("HTTP/1.1 404"), "{out}");
    assert_eq!(
        header_line(&out, "strict-transport-security"),
        Some("max-age=31536000")
    );
    let (_, out) = https("open.example.test", "/scheme");
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert_eq!(
        header_line(&out, "strict-transport-security"),
        None,
        "{out}"
    );

    // Out-of-range max-age is a 400 naming the field.
    let (s, v) = gw.api(
        "PUT",
        &format!("/domains/{id}"),
        Some(json!({"hsts_max_age": -1})),
    );
    assert_eq!(s, 400, "{v}");
    assert!(v.to_string().contains("hsts_max_age"), "{v}");

    // The settings survive a restart (published at boot)...
    drop(gw);
    let gw = Gateway::start(data.path(), &[]);
    assert_eq!(plain(&gw, "secure.example.test", "/scheme").status, 308);
    // ...and switching them off takes effect at once.
    let (s, v) = gw.api(
        "PUT",
        &format!("/domains/{id}"),
        Some(json!({"https_redirect": false, "hsts_max_age": null})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["hsts_max_age"], Value::Null);
    let r = plain(&gw, "secure.example.test", "/scheme");
    assert_eq!(r.status, 200);
    let tls = gw.tls.expect("TLS listener");
    let (_, out) = curl(
        &ca,
        &[("secure.example.test", tls.port())],
        &format!("https://secure.example.test:{}/scheme", tls.port()),
        &[],
    );
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert_eq!(
        header_line(&out, "strict-transport-security"),
        None,
        "{out}"
    );
}

/// `openssl s_client` without SNI; stdout and stderr.
fn no_sni(tls: SocketAddr) -> String {
    let out = Command::new("openssl")
        .args(["s_client", "-connect", &tls.to_string(), "-noservername"])
        .stdin(Stdio::null())
        .output()
        .expect("openssl s_client");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn a_client_without_sni_gets_the_default_certificate_only_when_one_is_set() {
    let ca = Ca::new();
    let pair = ca.issue("default", &["api.example.test"], "d4");
    let data = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(data.path(), &[]);
    gw.add_certificate(&pair);
    let out = no_sni(gw.tls.expect("TLS listener"));
    assert!(
        !out.contains("BEGIN CERTIFICATE"),
        "no default set: no certificate\n{out}"
    );
    assert!(out.contains("alert"), "{out}");
    drop(gw);

    let gw = Gateway::start(data.path(), &["--tls-default-name", "API.example.test"]);
    let out = no_sni(gw.tls.expect("TLS listener"));
    assert!(out.contains("BEGIN CERTIFICATE"), "{out}");
    assert!(
        out.contains("CN = api.example.test") || out.contains("CN=api.example.test"),
        "{out}"
    );
}

#[test]
fn the_admin_api_serves_https_with_its_own_certificate() {
    let ca = Ca::new();
    let (cert, key) = ca.issue("admin", &["admin.example.test", "localhost"], "e5");
    let data = tempfile::tempdir().expect("tempdir");
    let (cert_file, key_file) = (data.path().join("admin.pem"), data.path().join("admin.key"));
    std::fs::write(&cert_file, cert).expect("write");
    std::fs::write(&key_file, key).expect("write");
    let gw = Gateway::start(
        &data.path().join("data"),
        &[
            "--admin-tls-cert",
            cert_file.to_str().expect("path"),
            "--admin-tls-key",
            key_file.to_str().expect("path"),
            "--admin-token",
            "admin-tls-test-token",
        ],
    );
    let port = gw.admin.port();
    let resolve = [("admin.example.test", port)];
    let url = format!("https://admin.example.test:{port}/api/endpoints");
    let (code, out) = curl(
        &ca,
        &resolve,
        &url,
        &["-H", "Authorization: Bearer admin-tls-test-token"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    let (_, out) = curl(&ca, &resolve, &url, &[]);
    assert!(
        out.starts_with("HTTP/1.1 401"),
        "the token is still required\n{out}"
    );
    let (code, _) = curl(
        &ca,
        &resolve,
        &format!("http://admin.example.test:{port}/api/health"),
        &[],
    );
    assert_ne!(code, 0, "plain HTTP on the admin port must not be answered");

    // The client commands speak HTTPS too, trusting the CA given with --admin-ca.
    let client = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
            .args(["--admin-url", &format!("https://localhost:{port}")])
            .args(["--admin-token", "admin-tls-test-token"])
            .args(extra)
            .output()
            .expect("client")
    };
    let ca_file = ca.ca_pem();
    let ca_arg = ca_file.to_str().expect("path");
    for cmd in [&["health"][..], &["endpoint", "list"][..]] {
        let out = client(&[&["--admin-ca", ca_arg][..], cmd].concat());
        assert!(
            out.status.success(),
            "{cmd:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = client(&["health"]);
    assert!(
        !out.status.success(),
        "a private CA is not trusted by default"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not reachable") && err.contains("certificate"),
        "{err}"
    );

    // A pair that does not match stops the start with the reason.
    let (other_cert, _) = ca.issue("other", &["other.example.test"], "e6");
    std::fs::write(&cert_file, other_cert).expect("write");
    let out = support::start_failing(
        &data.path().join("data2"),
        &[
            "--admin-tls-cert",
            cert_file.to_str().expect("path"),
            "--admin-tls-key",
            key_file.to_str().expect("path"),
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--admin-tls-cert") && err.contains("does not match"),
        "{err}"
    );
}

#[test]
fn rotating_a_certificate_under_wrk_over_32_https_connections_loses_nothing() {
    let ca = Ca::new();
    let data = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(data.path(), &[]);
    let tls = gw.tls.expect("TLS listener");
    let first = gw.add_certificate(&ca.issue("first", &["localhost"], "f1"));
    let ep = gw.create("scheme", "GET", "/scheme", Some(SCHEME_HANDLER));
    gw.deploy(&ep);
    // wrk takes SNI from the URL, so the name is one the resolver knows: localhost.
    let url = format!("https://localhost:{}/scheme", tls.port());
    let wrk = Command::new("wrk")
        .args(["-t1", "-c32", "-d6s", "--latency", &url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wrk (installed by scripts/test.sh)");
    std::thread::sleep(Duration::from_secs(2));
    // The replacement is issued later, so it is the newest valid one for the name.
    std::thread::sleep(Duration::from_millis(1100));
    let second = gw.add_certificate(&ca.issue("second", &["localhost"], "f2"));
    let (s, v) = gw.api(
        "DELETE",
        &format!("/certificates/{}", first["id"].as_str().expect("id")),
        None,
    );
    assert_eq!(s, 200, "{v}");
    // New handshakes during the load see the new serial.
    let started = Instant::now();
    let mut handshakes = 0;
    while started.elapsed() < Duration::from_secs(2) {
        let (code, out) = curl(&ca, &[], &url, &["-v"]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("HTTP/1.1 200"), "{out}");
        handshakes += 1;
    }
    assert!(handshakes >= 3, "only {handshakes} new handshakes in 2 s");
    let out = Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            &tls.to_string(),
            "-servername",
            "localhost",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("s_client");
    let pem = String::from_utf8_lossy(&out.stdout).into_owned();
    let serial = Command::new("openssl")
        .args(["x509", "-noout", "-serial"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().expect("stdin").write_all(pem.as_bytes())?;
            c.wait_with_output()
        })
        .expect("openssl x509");
    let serial = String::from_utf8_lossy(&serial.stdout).to_ascii_lowercase();
    assert_eq!(
        serial.trim(),
        format!("serial={}", second["serial"].as_str().expect("serial"))
    );

    let out = wrk.wait_with_output().expect("wrk");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let requests = support::wrk_requests(&text);
    assert!(requests > 1000, "wrk made only {requests} requests\n{text}");
    assert_eq!(support::wrk_line(&text, "Socket errors"), None, "{text}");
    assert_eq!(support::wrk_line(&text, "Non-2xx"), None, "{text}");
}
