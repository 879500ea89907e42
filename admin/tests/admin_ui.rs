//! The admin UI at `/admin/`: served from the binary, and driven in a real browser.
//!
//! The browser test runs `admin/ui/tests/browser.mjs` (playwright-core driving Debian's
//! Chromium) against a real gateway started here with an admin token: the Quick Start
//! (create, compile with live output, deploy, 200 on the gateway port), a compile error
//! shown with its line, a SQLite service created and bound, domains and collections, an
//! OpenAPI import, the list's badges and filters, TLS certificates (uploaded through the
//! page, and others served from `--tls-cert-dir`) with their expiry and the domains they
//! cover, a domain's HTTPS redirect and HSTS, a narrow window. Screenshots of each main
//! screen go to `target/ui-artifacts/` in the repository.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use rust_edge_gateway_tests::http::Conn;
use support::tls_ca::{openssl, read, self_signed, NEW_P256_KEY};
use support::Gateway;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

#[test]
fn admin_page_and_assets_are_served_from_the_binary() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The page needs no token; the API it calls does.
    let gw = Gateway::start(dir.path(), &["--admin-token", "s3cret"]);
    let get_with = |path: &str, headers: &str| {
        let mut conn = Conn::open(gw.admin);
        conn.send(
            format!("GET {path} HTTP/1.1\r\nHost: admin\r\n{headers}Connection: close\r\n\r\n")
                .as_bytes(),
        );
        conn.reply().expect("a reply")
    };
    let get = |path: &str| get_with(path, "");

    let r = get("/admin");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/admin/"));

    let r = get("/admin/");
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/html"));
    let html = String::from_utf8_lossy(&r.body).to_string();
    assert!(html.contains(r#"<div id="app">"#), "{html}");
    assert!(html.contains("/admin/app.js"), "{html}");

    let r = get("/admin/app.js");
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap_or("")
            .contains("javascript"),
        "{:?}",
        r.header("content-type")
    );
    assert!(
        r.body.len() > 100_000,
        "the bundle is {} bytes",
        r.body.len()
    );
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    // Not frameable by other sites (clickjacking) and no foreign scripts.
    let html_page = get("/admin/");
    assert_eq!(html_page.header("x-frame-options"), Some("DENY"));
    let csp = html_page.header("content-security-policy").unwrap_or("");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");

    // A reload revalidates: the same ETag is a 304 with no body.
    let etag = r.header("etag").expect("an ETag").to_string();
    let again = get_with("/admin/app.js", &format!("If-None-Match: {etag}\r\n"));
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    // Browsers that accept gzip get it (the bundle is ~560 kB raw).
    let zipped = get_with("/admin/app.js", "Accept-Encoding: gzip\r\n");
    assert_eq!(zipped.status, 200);
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    assert!(
        zipped.body.len() * 2 < r.body.len(),
        "gzip {} vs raw {}",
        zipped.body.len(),
        r.body.len()
    );

    let r = get("/admin/index.css");
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/css"));

    // The API behind it still wants the token (health alone is open).
    let r = get("/api/endpoints");
    assert_eq!(r.status, 401);
    assert_eq!(get("/api/health").status, 200);
    // The editor of a new endpoint starts with the gateway's own default handler.
    let (s, v) = gw.api("GET", "/templates/handler", None);
    assert_eq!(s, 200, "{v}");
    let code = v["data"]["code"].as_str().unwrap_or("");
    assert!(
        code.contains("#[handler]") && code.contains("Hello from Rust Edge Gateway!"),
        "{v}"
    );
}

/// A bundle with one operation and its handler, for the upload step.
fn ping_bundle() -> Vec<u8> {
    use std::io::Write;
    let spec = "openapi: 3.0.3\ninfo:\n  title: Ping\n  version: '1'\npaths:\n  /bundle/ping:\n    get:\n      operationId: ping\n";
    let handler = "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(_ctx: &Context, _req: Request) -> Response {\n    Response::ok(json!({ \"pong\": true }))\n}\n";
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in [("openapi.yaml", spec), ("handlers/ping.rs", handler)] {
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        w.write_all(body.as_bytes()).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// A self-signed certificate for `name` that expired in February 2020, as `<tag>.pem` and
/// `<tag>.key` in `dir` (`openssl req` cannot date one in the past; `openssl ca` can, with
/// its bookkeeping files in a directory of their own).
fn expired(dir: &Path, tag: &str, name: &str) {
    let work = tempfile::tempdir().expect("tempdir");
    let w = work.path();
    std::fs::write(w.join("index.txt"), "").expect("index");
    std::fs::write(w.join("serial"), "01\n").expect("serial");
    std::fs::write(
        w.join("ca.cnf"),
        "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n\
         default_md = sha256\npolicy = p\ncopy_extensions = copy\nunique_subject = no\n\
         [p]\ncommonName = supplied\n",
    )
    .expect("ca.cnf");
    let key = dir.join(format!("{tag}.key"));
    let pem = dir.join(format!("{tag}.pem"));
    let key = key.to_str().expect("utf-8 path");
    openssl(
        w,
        &[
            &["req", "-new"][..],
            &NEW_P256_KEY,
            &[
                "-keyout",
                key,
                "-out",
                "req.csr",
                "-subj",
                &format!("/CN={name}"),
                "-addext",
                &format!("subjectAltName=DNS:{name}"),
            ],
        ]
        .concat(),
    );
    openssl(
        w,
        &[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-selfsign",
            "-keyfile",
            key,
            "-in",
            "req.csr",
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20200201000000Z",
            "-notext",
            "-out",
            pem.to_str().expect("utf-8 path"),
        ],
    );
}

/// Runs `admin/ui/tests/<script>` in Node.js with `envs`; screenshots go to
/// `target/ui-artifacts/<artifacts>/`. Panics with its output unless it passes.
fn run_browser_script(script: &str, artifacts: &str, envs: &[(&str, String)]) -> String {
    // One Chromium at a time: two on a 2-core machine beside cargo builds make timeouts.
    static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_BROWSER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = repo();
    let ui = root.join("admin/ui");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "Chromium not found at {chromium}: install it with `apt-get install chromium` \
         (bash scripts/test.sh does), or set CHROMIUM"
    );
    assert!(
        ui.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run `npm ci` in admin/ui (bash scripts/test.sh does)"
    );
    let artifacts = root.join("target/ui-artifacts").join(artifacts);
    let _ = std::fs::remove_dir_all(&artifacts);
    let out = Command::new("node")
        .arg(Path::new("tests").join(script))
        .current_dir(&ui)
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .env("ARTIFACTS", &artifacts)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("run node (install Node.js: apt-get install nodejs npm)");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "browser test {script} failed ({}):\n{stdout}\n{stderr}\nscreenshots: {}",
        out.status,
        artifacts.display()
    );
    stdout
}

#[test]
fn admin_ui_in_headless_chromium() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = dir.path().join("ping-bundle.zip");
    std::fs::write(&bundle, ping_bundle()).expect("write the bundle");
    // The certificate the browser uploads: 10 days left, so flagged as expiring. The
    // gateway serves two more from files: a wildcard with 60 days left, and an expired one.
    let keys = tempfile::tempdir().expect("tempdir");
    self_signed(keys.path(), "ui", "ui.example.test", "10");
    let cert_files = dir.path().join("tls-files");
    std::fs::create_dir(&cert_files).expect("mkdir tls-files");
    self_signed(&cert_files, "wild", "*.wild.example.test", "60");
    expired(&cert_files, "old", "old.example.test");
    // The token the gateway generated in its data dir, as a user would read it.
    let gw = Gateway::start(
        dir.path(),
        &["--tls-cert-dir", cert_files.to_str().expect("utf-8 path")],
    );
    let token = std::fs::read_to_string(dir.path().join("admin-token")).expect("token file");
    let token = token.trim();
    let stdout = run_browser_script(
        "browser.mjs",
        "ui",
        &[
            ("ADMIN_URL", format!("http://{}", gw.admin)),
            ("GATEWAY_URL", format!("http://{}", gw.gateway)),
            ("ADMIN_TOKEN", token.to_string()),
            (
                "OPENAPI_FILE",
                repo()
                    .join("tests/data/petstore3-openapi.yaml")
                    .display()
                    .to_string(),
            ),
            ("BUNDLE_FILE", bundle.display().to_string()),
            ("CERT_PEM", read(keys.path().join("ui.pem"))),
            ("KEY_PEM", read(keys.path().join("ui.key"))),
            ("TLS_CERT_DIR", cert_files.display().to_string()),
        ],
    );
    assert!(stdout.contains("all browser steps passed"), "{stdout}");
    let artifacts = repo().join("target/ui-artifacts/ui");

    // What the browser did, checked from here: the last version it deployed answers, and so
    // does the bundle's endpoint.
    let r = gw.get("/hello");
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
    assert_eq!(v["message"], "v2");
    assert_eq!(gw.get("/bundle/ping").status, 200);

    // The certificate uploaded through the page is the API's, without its key; the files'
    // two are listed beside it.
    let (s, v) = gw.api("GET", "/certificates", None);
    assert_eq!(s, 200, "{v}");
    let certs = v["data"].as_array().expect("a list");
    let uploaded: Vec<_> = certs.iter().filter(|c| c["source"] == "api").collect();
    assert_eq!(uploaded.len(), 1, "{v}");
    assert_eq!(uploaded[0]["names"], serde_json::json!(["ui.example.test"]));
    assert_eq!(certs.len(), 3, "{v}");
    assert!(
        !v.to_string().contains("PRIVATE KEY"),
        "a key came back: {v}"
    );
    // The HTTPS settings the browser gave ui.example.test serve: plain HTTP is redirected,
    // and an HTTPS answer, made with the uploaded certificate (its own CA here), carries HSTS.
    let tls = gw.tls.expect("the HTTPS listener");
    let mut conn = Conn::open(gw.gateway);
    conn.send(b"GET /x HTTP/1.1\r\nHost: ui.example.test\r\nConnection: close\r\n\r\n");
    let r = conn.reply().expect("a reply");
    assert_eq!(r.status, 308);
    assert_eq!(
        r.header("location"),
        Some(format!("https://ui.example.test:{}/x", tls.port()).as_str())
    );
    let out = Command::new("curl")
        .args(["-sS", "-i", "--max-time", "10", "--cacert"])
        .arg(keys.path().join("ui.pem"))
        .arg("--resolve")
        .arg(format!("ui.example.test:{}:127.0.0.1", tls.port()))
        .arg(format!("https://ui.example.test:{}/nothing", tls.port()))
        .output()
        .expect("curl");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.starts_with("HTTP/1.1 404"), "{text}");
    assert!(
        text.lines().any(|l| l
            .eq_ignore_ascii_case("strict-transport-security: max-age=31536000\r")
            || l.eq_ignore_ascii_case("strict-transport-security: max-age=31536000")),
        "{text}"
    );
    for shot in [
        "01-token-prompt",
        "03-endpoint-running",
        "05-compile-error",
        "05b-logs",
        "05c-draining",
        "06-services",
        "09b-bundle-report",
        "07b-certificates",
        "07c-domains-tls",
        "09-import-report",
        "10-endpoints",
        "12-narrow-endpoint",
    ] {
        let p = artifacts.join(format!("{shot}.png"));
        let len = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        assert!(len > 10_000, "screenshot {} missing or empty", p.display());
    }
}

/// A handler echoing what the try-it panel sends, and a 2 MiB answer on `?big`.
const ECHO: &str = "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(_ctx: &Context, req: Request) -> Response {\n    if req.query_param(\"big\").is_some() {\n        return Response::text(200, \"x\".repeat(2 * 1024 * 1024));\n    }\n    Response::ok(json!({ \"path\": req.path, \"x_try\": req.header(\"x-try\"), \"host\": req.header(\"host\") }))\n}\n";

/// `POST url` with no body through ureq (which reads chunked answers); status and body.
fn post_raw(url: &str, token: Option<&str>) -> (u16, String, String) {
    let bearer = format!("Bearer {}", token.unwrap_or_default());
    let (status, resp) = match ureq::post(url).set("Authorization", &bearer).call() {
        Ok(r) => (r.status(), r),
        Err(ureq::Error::Status(code, r)) => (code, r),
        Err(e) => panic!("POST {url}: {e}"),
    };
    let ctype = resp.content_type().to_string();
    (status, ctype, resp.into_string().expect("body"))
}

#[test]
fn compile_streams_cargo_output_and_try_it_reaches_the_gateway() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let id = gw.create("streamed", "GET", "/streamed", Some(ECHO));
    let url = format!("http://{}/api/endpoints/{id}/compile?stream=true", gw.admin);

    // A good build: lines as cargo prints them, then the outcome. Each line is timed on
    // arrival: the first must come well before the outcome (live, not sent at the end).
    let bearer = format!("Bearer {}", gw.token.clone().unwrap_or_default());
    let resp = ureq::post(&url)
        .set("Authorization", &bearer)
        .call()
        .expect("compile stream");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.content_type(), "application/x-ndjson");
    let started = std::time::Instant::now();
    let mut timed = Vec::new();
    for line in std::io::BufRead::lines(std::io::BufReader::new(resp.into_reader())) {
        let line = line.expect("a line");
        let msg: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
        timed.push((started.elapsed(), msg));
    }
    let body = format!("{timed:?}");
    let ((done_at, last), lines) = timed.split_last().expect("at least the outcome");
    assert_eq!(last["done"], true, "{body}");
    assert_eq!(last["ok"], true, "{body}");
    assert_eq!(last["data"]["status"], "compiled");
    assert!(lines.iter().all(|(_, m)| m["line"].is_string()), "{body}");
    let (first_at, _) = lines.first().expect("cargo printed something");
    assert!(
        lines
            .iter()
            .any(|(_, m)| m["line"].as_str().unwrap_or("").contains("Compiling")),
        "{body}"
    );
    assert!(
        *done_at >= *first_at + std::time::Duration::from_millis(100),
        "the first line came {first_at:?}, the outcome {done_at:?}: not streamed as cargo ran"
    );

    // Deployed, the try-it call reaches it on the gateway port with our path and headers.
    let (s, v) = gw.api("POST", &format!("/endpoints/{id}/start"), None);
    assert_eq!(s, 200, "{v}");
    let (s, v) = gw.api(
        "POST",
        &format!("/endpoints/{id}/try"),
        Some(serde_json::json!({"path": "/streamed?q=1", "headers": {"X-Try": "yes"}})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["status"], 200, "{v}");
    let answer: serde_json::Value =
        serde_json::from_str(v["data"]["body"].as_str().expect("body")).expect("json body");
    assert_eq!(answer["path"], "/streamed");
    assert_eq!(
        answer["x_try"], "yes",
        "the header did not reach the handler: {v}"
    );
    assert!(v["data"]["duration_ms"].as_f64().expect("duration") > 0.0);
    assert_eq!(v["data"]["truncated"], false);
    // A 2 MiB answer is shown cut at 1 MiB, not refused.
    let (s, v) = gw.api(
        "POST",
        &format!("/endpoints/{id}/try"),
        Some(serde_json::json!({"path": "/streamed?big=1"})),
    );
    assert_eq!(s, 200);
    assert_eq!(v["data"]["status"], 200);
    assert_eq!(v["data"]["truncated"], true);
    assert_eq!(v["data"]["body"].as_str().map(str::len), Some(1024 * 1024));

    // A wildcard domain is tried as try.<suffix>; a Host given in the headers replaces it.
    let (s, v) = gw.api(
        "POST",
        "/endpoints",
        Some(serde_json::json!({"name": "wild", "path": "/wild", "method": "GET", "domain": "*.wild.test", "code": ECHO})),
    );
    assert_eq!(s, 200, "{v}");
    let wild = v["data"]["id"].as_str().expect("id").to_string();
    gw.deploy(&wild);
    for (headers, host) in [
        (serde_json::json!({}), "try.wild.test"),
        (
            serde_json::json!({"Host": "api.wild.test"}),
            "api.wild.test",
        ),
    ] {
        let (s, v) = gw.api(
            "POST",
            &format!("/endpoints/{wild}/try"),
            Some(serde_json::json!({ "headers": headers })),
        );
        assert_eq!(
            (s, &v["data"]["status"]),
            (200, &serde_json::json!(200)),
            "{v}"
        );
        let answer: serde_json::Value =
            serde_json::from_str(v["data"]["body"].as_str().expect("body")).expect("json");
        assert_eq!(answer["host"], host, "{v}");
    }
    let (s, v) = gw.api(
        "POST",
        &format!("/endpoints/{id}/try"),
        Some(serde_json::json!({"headers": {"bad header": "x"}})),
    );
    assert_eq!(s, 400, "{v}");
    assert!(v["error"]
        .as_str()
        .unwrap_or("")
        .contains("invalid header name"));

    // A broken build: the outcome carries the status and rustc's diagnostics with the line.
    let (s, v) = gw.api(
        "PUT",
        &format!("/endpoints/{id}"),
        Some(serde_json::json!({"code": "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(_c: &Context, _r: Request) -> Response {\n    let x: u32 = \"no\";\n    Response::ok(json!({ \"x\": x }))\n}\n"})),
    );
    assert_eq!(s, 200, "{v}");
    let (status, _, body) = post_raw(&url, gw.token.as_deref());
    assert_eq!(status, 200);
    let last: serde_json::Value =
        serde_json::from_str(body.lines().last().expect("outcome")).expect("json");
    assert_eq!(last["ok"], false, "{body}");
    assert_eq!(last["status"], 422);
    assert!(
        last["error"]
            .as_str()
            .unwrap_or("")
            .contains("src/lib.rs:5:"),
        "{last}"
    );
    // The previous version still serves.
    assert_eq!(gw.get("/streamed").status, 200);

    // An unknown endpoint is the ordinary 404 envelope, not a stream.
    let (status, ctype, body) = post_raw(
        &format!("http://{}/api/endpoints/nope/compile?stream=true", gw.admin),
        gw.token.as_deref(),
    );
    assert_eq!(status, 404, "{body}");
    assert!(ctype.contains("json"), "{ctype}");
}

#[test]
fn without_a_token_the_api_refuses_other_sites_and_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = dir.path().join("ping-bundle.zip");
    std::fs::write(&bundle, ping_bundle()).expect("write the bundle");
    let gw = Gateway::start(dir.path(), &["--admin-auth", "none"]);

    // Plain HTTP: a foreign Origin, a cross-site fetch, a non-loopback Host (DNS rebinding).
    for extra in [
        "Origin: http://evil.example\r\n",
        "Sec-Fetch-Site: cross-site\r\n",
    ] {
        let (s, v) = gw.raw_api(
            "POST",
            "/domains",
            Some(serde_json::json!({"name": "x", "host": "x.test"})),
            extra,
        );
        assert_eq!(s, 403, "{extra}: {v}");
        assert!(v["error"].as_str().unwrap_or("").contains("refused"), "{v}");
    }
    let mut conn = Conn::open(gw.admin);
    conn.send(b"GET /api/endpoints HTTP/1.1\r\nHost: rebound.evil.example:9081\r\nConnection: close\r\n\r\n");
    let r = conn.reply().expect("reply");
    assert_eq!(r.status, 403);
    assert!(String::from_utf8_lossy(&r.body).contains("loopback names"));
    // The same-origin call the UI makes passes.
    let (s, v) = gw.raw_api(
        "GET",
        "/endpoints",
        None,
        "Origin: http://localhost\r\nSec-Fetch-Site: same-origin\r\n",
    );
    assert_eq!(s, 200, "{v}");

    // In a real browser: the page works without a prompt, and a page of another origin
    // cannot import (and so run) a bundle through it.
    let stdout = run_browser_script(
        "tokenless.mjs",
        "tokenless",
        &[
            ("ADMIN_URL", format!("http://{}", gw.admin)),
            ("GATEWAY_URL", format!("http://{}", gw.gateway)),
            ("BUNDLE_FILE", bundle.display().to_string()),
        ],
    );
    assert!(stdout.contains("all tokenless steps passed"), "{stdout}");
    let (_, v) = gw.api("GET", "/endpoints", None);
    assert_eq!(v["data"], serde_json::json!([]));
}
