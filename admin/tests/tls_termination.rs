//! HTTPS on the dataplane with real clients: curl and `openssl s_client` against a
//! private CA made here with the `openssl` CLI, and a rustls client holding keep-alive
//! connections while a certificate is replaced.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::tls_ca::{read, Ca};
use support::Gateway;

fn start() -> (tempfile::TempDir, Gateway, SocketAddr) {
    let data = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(data.path(), &[]);
    let tls = gw.tls.expect("the ready line names the TLS listener");
    (data, gw, tls)
}

/// curl over HTTPS to `name` (resolved to the gateway); (exit code, stdout).
fn curl(ca: &Ca, tls: SocketAddr, name: &str, path: &str, extra: &[&str]) -> (i32, String) {
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "10", "--cacert"])
        .arg(ca.ca_pem())
        .arg("--resolve")
        .arg(format!("{name}:{}:127.0.0.1", tls.port()))
        .args(extra)
        .arg(format!("https://{name}:{}{path}", tls.port()))
        .output()
        .expect("curl");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// `openssl s_client` output (stdout) for `name`, with extra flags.
fn s_client(tls: SocketAddr, name: &str, extra: &[&str]) -> String {
    let mut child = Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            &tls.to_string(),
            "-servername",
            name,
            "-showcerts",
        ])
        .args(extra)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("openssl s_client");
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("s_client output");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

fn metric(gw: &Gateway, line_start: &str) -> f64 {
    let text = gw.metrics_text();
    text.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {line_start} in /metrics:\n{text}"))
}

const SCHEME_HANDLER: &str = r#"use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {
    Response::ok(json!({
        "scheme": req.scheme(),
        "proto": req.header("x-forwarded-proto"),
    }))
}
"#;

#[test]
fn curl_and_s_client_see_exact_and_wildcard_names_and_handlers_see_https() {
    let ca = Ca::new();
    let (_data, gw, tls) = start();
    // With no certificate at all every handshake fails with an alert.
    let (code, _) = curl(&ca, tls, "api.example.test", "/scheme", &[]);
    assert_ne!(code, 0, "no certificate stored: the handshake must fail");

    let exact = gw.add_certificate(&ca.issue("exact", &["api.example.test"], "a1"));
    let wild = gw.add_certificate(&ca.issue("wild", &["*.apps.example.test"], "b2"));
    assert_eq!(exact["names"], json!(["api.example.test"]));
    assert_eq!(wild["names"], json!(["*.apps.example.test"]));
    assert_eq!(exact["fingerprint"].as_str().map(str::len), Some(64));

    let ep = gw.create("scheme", "GET", "/scheme", Some(SCHEME_HANDLER));
    gw.deploy(&ep);

    for name in ["api.example.test", "shop.apps.example.test"] {
        let (code, body) = curl(
            &ca,
            tls,
            name,
            "/scheme",
            &["-H", "X-Forwarded-Proto: http"],
        );
        assert_eq!(code, 0, "curl to {name} failed: {body}");
        let v: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v, json!({"scheme": "https", "proto": "https"}), "{name}");
    }
    // A wildcard covers one label only, and a name nobody covers fails the handshake.
    for name in ["a.b.apps.example.test", "other.example.test"] {
        let (code, body) = curl(&ca, tls, name, "/scheme", &[]);
        assert_eq!(
            code, 35,
            "{name}: expected a TLS handshake failure, got {body}"
        );
    }
    assert!(metric(&gw, "reg_tls_handshakes_total{result=\"no_certificate\"}") >= 3.0);

    // Plain HTTP says http, whatever the client claims.
    let raw =
        "GET /scheme HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n";
    let r = rust_edge_gateway_tests::http::Conn::open(gw.gateway)
        .send(raw.as_bytes())
        .reply()
        .expect("plain reply");
    let v: Value = serde_json::from_slice(&r.body).expect("json");
    assert_eq!(v, json!({"scheme": "http", "proto": "http"}));

    // s_client: the chain (leaf and CA) and the negotiated version.
    let out = s_client(
        tls,
        "api.example.test",
        &[
            "-alpn",
            "http/1.1",
            "-CAfile",
            ca.ca_pem().to_str().expect("path"),
        ],
    );
    assert_eq!(
        out.matches("-----BEGIN CERTIFICATE-----").count(),
        2,
        "{out}"
    );
    assert!(out.contains("TLSv1.3"), "{out}");
    assert!(out.contains("Verify return code: 0 (ok)"), "{out}");
    assert!(out.contains("ALPN protocol: http/1.1"), "{out}");
    let out = s_client(tls, "shop.apps.example.test", &["-tls1_2"]);
    assert!(
        out.contains("Protocol  : TLSv1.2") || out.contains("TLSv1.2"),
        "{out}"
    );
    assert!(!out.contains("TLSv1.3"), "{out}");

    assert!(
        metric(
            &gw,
            "reg_tls_handshakes_by_version_total{version=\"TLSv1.2\"}"
        ) >= 1.0
    );
    assert!(
        metric(
            &gw,
            "reg_tls_handshakes_by_version_total{version=\"TLSv1.3\"}"
        ) >= 2.0
    );
    assert!(metric(&gw, "reg_tls_handshakes_by_alpn_total{alpn=\"http/1.1\"}") >= 2.0);
    let left = metric(
        &gw,
        &format!(
            "reg_tls_certificate_expiry_seconds{{id=\"{}\"",
            exact["id"].as_str().expect("id")
        ),
    );
    assert!((8.0 * 86400.0..=10.0 * 86400.0).contains(&left), "{left}");
}

#[test]
fn keys_stay_private_and_bad_pem_is_a_400_naming_the_problem() {
    let ca = Ca::new();
    let (data, gw, _tls) = start();
    let pair = ca.issue("k", &["k.example.test"], "c3");
    let added = gw.add_certificate(&pair);
    let id = added["id"].as_str().expect("id").to_string();
    for (s, v) in [
        gw.api("GET", "/certificates", None),
        gw.api("GET", &format!("/certificates/{id}"), None),
    ] {
        assert_eq!(s, 200);
        let text = v.to_string();
        assert!(text.contains(&id), "{text}");
        assert!(
            !text.contains("PRIVATE KEY") && !text.contains("key_pem"),
            "{text}"
        );
    }
    let key_file = data.path().join(format!("certificates/{id}.key"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key_file)
        .expect("key file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{}", key_file.display());

    let bad = |cert: &str, key: &str| {
        let (s, v) = gw.api(
            "POST",
            "/certificates",
            Some(json!({"cert_pem": cert, "key_pem": key})),
        );
        assert_eq!(s, 400, "{v}");
        v["error"].as_str().expect("error").to_string()
    };
    let e = bad("not a certificate", &pair.1);
    assert!(e.contains("cert_pem") && e.contains("CERTIFICATE"), "{e}");
    let e = bad(
        &pair.0,
        "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
    );
    assert!(e.contains("key_pem"), "{e}");
    let other = ca.issue("o", &["o.example.test"], "d4");
    let e = bad(&pair.0, &other.1);
    assert!(e.contains("does not match"), "{e}");

    let (s, _) = gw.api("DELETE", &format!("/certificates/{id}"), None);
    assert_eq!(s, 200);
    assert!(!key_file.exists(), "the key leaves with its certificate");
    let (s, _) = gw.api("GET", &format!("/certificates/{id}"), None);
    assert_eq!(s, 404);
}

/// A keep-alive HTTPS client over rustls trusting only `ca`.
struct Client {
    tls: rustls::StreamOwned<rustls::ClientConnection, TcpStream>,
}

fn client_config(ca: &Ca) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    let pem = read(ca.ca_pem());
    for c in rustls_pemfile::certs(&mut pem.as_bytes()) {
        roots.add(c.expect("CA PEM")).expect("CA");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

impl Client {
    fn connect(
        config: &Arc<rustls::ClientConfig>,
        addr: SocketAddr,
        name: &str,
    ) -> std::io::Result<Client> {
        let sock = TcpStream::connect(addr)?;
        sock.set_read_timeout(Some(Duration::from_secs(10)))?;
        let server = rustls::pki_types::ServerName::try_from(name.to_string())
            .map_err(std::io::Error::other)?;
        let conn = rustls::ClientConnection::new(Arc::clone(config), server)
            .map_err(std::io::Error::other)?;
        let mut tls = rustls::StreamOwned::new(conn, sock);
        while tls.conn.is_handshaking() {
            tls.conn.complete_io(&mut tls.sock)?;
        }
        Ok(Client { tls })
    }

    /// The leaf's serial number, hex.
    fn serial(&self) -> String {
        let leaf = self
            .tls
            .conn
            .peer_certificates()
            .and_then(|c| c.first())
            .expect("leaf");
        let (_, x) = x509_parser::parse_x509_certificate(leaf).expect("x509");
        x.raw_serial().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// One keep-alive GET; the status.
    fn get(&mut self, path: &str) -> std::io::Result<u16> {
        write!(
            self.tls,
            "GET {path} HTTP/1.1\r\nHost: rot.example.test\r\n\r\n"
        )?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = self.tls.read(&mut chunk)?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + len {
            let n = self.tls.read(&mut chunk)?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        head.split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(head.clone()))
    }
}

#[test]
fn replacing_a_certificate_under_held_connections_drops_nothing() {
    let ca = Ca::new();
    let (_data, gw, tls) = start();
    let old = gw.add_certificate(&ca.issue("old", &["rot.example.test"], "1001"));
    let config = client_config(&ca);
    let mut first = Client::connect(&config, tls, "rot.example.test").expect("connect");
    assert_eq!(first.serial(), "1001");
    // Reading an answer takes in the session tickets sent after the handshake.
    assert_eq!(first.get("/nothing").expect("first request"), 404);
    drop(first);

    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicUsize::new(0));
    let rotated = Arc::new(AtomicBool::new(false));
    let after = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..16)
        .map(|_| {
            let (config, stop, errors, rotated, after) = (
                Arc::clone(&config),
                Arc::clone(&stop),
                Arc::clone(&errors),
                Arc::clone(&rotated),
                Arc::clone(&after),
            );
            std::thread::spawn(move || {
                let mut c = match Client::connect(&config, tls, "rot.example.test") {
                    Ok(c) => c,
                    Err(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        return 0;
                    }
                };
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    // No endpoint: a keep-alive 404 from the gateway itself.
                    match c.get("/nothing") {
                        Ok(404) => n += 1,
                        _ => {
                            errors.fetch_add(1, Ordering::Relaxed);
                            return n;
                        }
                    }
                    if rotated.load(Ordering::Relaxed) {
                        after.fetch_add(1, Ordering::Relaxed);
                    }
                }
                n
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let new = gw.add_certificate(&ca.issue("new", &["rot.example.test"], "2002"));
    let (s, _) = gw.api(
        "DELETE",
        &format!("/certificates/{}", old["id"].as_str().expect("id")),
        None,
    );
    assert_eq!(s, 200);
    rotated.store(true, Ordering::Relaxed);
    // A fresh client: one that resumes a session keeps the identity of its first handshake.
    let fresh = Client::connect(&client_config(&ca), tls, "rot.example.test")
        .expect("connect after rotation");
    assert_eq!(
        fresh.serial(),
        "2002",
        "a new handshake sees the new certificate"
    );
    assert_eq!(new["serial"], json!("2002"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while after.load(Ordering::Relaxed) < 160 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    let served: usize = clients.into_iter().map(|c| c.join().expect("client")).sum();
    assert_eq!(
        errors.load(Ordering::Relaxed),
        0,
        "requests failed across the rotation"
    );
    assert!(
        after.load(Ordering::Relaxed) >= 160,
        "held connections kept serving after it"
    );
    assert!(served > 160, "{served}");
    assert!(
        metric(&gw, "reg_tls_resumed_total") >= 1.0,
        "clients sharing a config resume their sessions"
    );
}

#[test]
fn a_cert_dir_is_served_and_reloaded_when_it_changes() {
    let ca = Ca::new();
    let certs = tempfile::tempdir().expect("tempdir");
    let live = certs.path().join("files.example.test");
    std::fs::create_dir(&live).expect("dir");
    let write = |serial: &str| {
        let (chain, key) = ca.issue(&format!("f{serial}"), &["files.example.test"], serial);
        std::fs::write(live.join("privkey.pem"), key).expect("key");
        std::fs::write(live.join("fullchain.pem"), chain).expect("chain");
    };
    write("3003");
    let data = tempfile::tempdir().expect("tempdir");
    let dir = certs.path().to_str().expect("path");
    let gw = Gateway::start(data.path(), &["--tls-cert-dir", dir]);
    let tls = gw.tls.expect("tls");
    let config = client_config(&ca);
    let c = Client::connect(&config, tls, "files.example.test").expect("connect");
    assert_eq!(c.serial(), "3003");
    let (s, v) = gw.api("GET", "/certificates", None);
    assert_eq!(s, 200);
    assert_eq!(v["data"][0]["names"], json!(["files.example.test"]), "{v}");
    // Same size, new content: the mtime tells.
    std::thread::sleep(Duration::from_millis(1100));
    write("4004");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let c = Client::connect(&config, tls, "files.example.test").expect("connect");
        if c.serial() == "4004" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the rewritten pair was not reloaded"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn a_token_over_plain_http_on_a_public_admin_address_warns() {
    use std::io::BufRead;
    let data = tempfile::tempdir().expect("tempdir");
    let spawn = |admin: &str| {
        Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"))
            .args(["--gateway-addr", "127.0.0.1:0", "--tls-addr", "127.0.0.1:0"])
            .args(["--admin-addr", admin, "--workers", "1", "--data-dir"])
            .arg(data.path())
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    // Everything logged before the ready line (the warning comes before it).
    let logged = |admin: &str| {
        let mut child = spawn(admin);
        let mut ready = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut ready)
            .expect("ready line");
        assert!(ready.contains("ready"), "{ready}");
        let _ = child.kill();
        let mut text = String::new();
        for line in std::io::BufReader::new(child.stderr.take().expect("stderr")).lines() {
            text.push_str(&line.unwrap_or_default());
        }
        let _ = child.wait();
        text
    };
    assert!(logged("0.0.0.0:0").contains("crosses the network in clear"));
    assert!(!logged("127.0.0.1:0").contains("crosses the network in clear"));
}
