//! Spawns the real `rust-edge-gateway` binary on free ports and talks HTTP to it.
#![allow(dead_code)]

pub mod backends;
pub mod fixtures;
pub mod postgres;
pub mod tls_ca;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use rust_edge_gateway_tests::http::{Conn, Reply};
use serde_json::Value;

/// A running gateway; killed on drop.
pub struct Gateway {
    pub child: Child,
    pub gateway: SocketAddr,
    pub admin: SocketAddr,
    /// The HTTPS listener, when the ready line names one.
    pub tls: Option<SocketAddr>,
    pub token: Option<String>,
    pub data_dir: PathBuf,
}

/// One cargo target dir for every handler built by these tests, so only the first
/// compile of a test run is cold.
pub fn build_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("handler-builds")
}

fn addr_after(line: &str, key: &str) -> SocketAddr {
    let rest = &line[line
        .find(key)
        .unwrap_or_else(|| panic!("no {key} in {line:?}"))
        + key.len()..];
    let addr = rest.split(['/', ' ', '\n']).next().unwrap_or_default();
    addr.parse()
        .unwrap_or_else(|e| panic!("bad address {addr:?} in {line:?}: {e}"))
}

/// The gateway binary on `data_dir` with free ports, two workers, the shared build dir
/// and extra flags.
fn command(data_dir: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rust-edge-gateway"));
    command
        .args([
            "--gateway-addr",
            "127.0.0.1:0",
            "--admin-addr",
            "127.0.0.1:0",
            "--tls-addr",
            "127.0.0.1:0",
            "--workers",
            "2",
            "--data-dir",
        ])
        .arg(data_dir)
        .arg("--build-dir")
        .arg(build_dir())
        .args(extra)
        .env("RUST_LOG", "warn");
    command
}

/// Runs the gateway as [`Gateway::start`] would, for a start expected to fail: waits for
/// it to exit and returns its output.
pub fn start_failing(data_dir: &Path, extra: &[&str]) -> std::process::Output {
    command(data_dir, extra)
        .output()
        .expect("run rust-edge-gateway")
}

impl Gateway {
    /// Starts the binary on `data_dir` with extra flags.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Gateway {
        Self::start_in(None, data_dir, extra)
    }

    /// As [`Gateway::start`], with the process's working directory `cwd` (cargo reads
    /// `.cargo/config.toml` from there for handler builds).
    pub fn start_in(cwd: Option<&Path>, data_dir: &Path, extra: &[&str]) -> Gateway {
        Self::start_with(cwd, data_dir, extra, &[])
    }

    /// As [`Gateway::start_in`], with these environment variables set.
    pub fn start_with(
        cwd: Option<&Path>,
        data_dir: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Gateway {
        let mut command = command(data_dir, extra);
        if let Some(cwd) = cwd {
            command.current_dir(cwd);
        }
        command.envs(env.iter().copied());
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn rust-edge-gateway");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("ready line");
        assert!(line.contains("ready"), "unexpected first line {line:?}");
        // The token given, else the one the gateway generated in its data dir (none only
        // with `--admin-auth none`).
        let token = match extra.iter().position(|a| *a == "--admin-token") {
            Some(i) => Some(extra[i + 1].to_string()),
            None if extra.windows(2).any(|w| w == ["--admin-auth", "none"]) => None,
            None => Some(
                std::fs::read_to_string(data_dir.join("admin-token"))
                    .expect("the gateway keeps its generated token in <data-dir>/admin-token")
                    .trim()
                    .to_string(),
            ),
        };
        Gateway {
            data_dir: data_dir.to_path_buf(),
            child,
            gateway: addr_after(&line, "gateway http://"),
            admin: if line.contains("admin https://") {
                addr_after(&line, "admin https://")
            } else {
                addr_after(&line, "admin http://")
            },
            tls: line
                .contains("tls https://")
                .then(|| addr_after(&line, "tls https://")),
            token,
        }
    }

    /// The `Authorization` header line for this gateway's token (empty without one).
    pub fn auth(&self) -> String {
        self.token
            .as_ref()
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default()
    }

    /// The `/metrics` text (Prometheus exposition), with this gateway's token.
    pub fn metrics_text(&self) -> String {
        let raw = format!(
            "GET /metrics HTTP/1.1\r\nHost: localhost\r\n{}Connection: close\r\n\r\n",
            self.auth()
        );
        let r = Conn::open(self.admin)
            .send(raw.as_bytes())
            .reply()
            .expect("metrics reply");
        String::from_utf8_lossy(&r.body).into_owned()
    }

    /// Adds a certificate (chain PEM, key PEM) through the API; its JSON.
    pub fn add_certificate(&self, (cert, key): &(String, String)) -> Value {
        let (s, v) = self.api(
            "POST",
            "/certificates",
            Some(serde_json::json!({"cert_pem": cert, "key_pem": key})),
        );
        assert_eq!(s, 200, "{v}");
        v["data"].clone()
    }

    /// Calls the management API; returns the HTTP status and the JSON envelope.
    pub fn api(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.raw_api(method, path, body, &self.auth())
    }

    /// Calls the management API with exactly these extra header lines.
    pub fn raw_api(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &str,
    ) -> (u16, Value) {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let raw = format!(
            "{method} /api{path} HTTP/1.1\r\nHost: localhost\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let r = Conn::open_with_timeout(self.admin, std::time::Duration::from_secs(600))
            .send(raw.as_bytes())
            .reply()
            .expect("admin reply");
        (
            r.status,
            serde_json::from_slice(&r.body).unwrap_or(Value::Null),
        )
    }

    /// `GET path` on the gateway port.
    pub fn get(&self, path: &str) -> Reply {
        let raw = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        Conn::open(self.gateway)
            .send(raw.as_bytes())
            .reply()
            .expect("gateway reply")
    }

    /// Creates an endpoint and returns its id.
    pub fn create(&self, name: &str, method: &str, path: &str, code: Option<&str>) -> String {
        let mut body =
            serde_json::json!({ "name": name, "path": path, "method": method, "domain": "*" });
        if let Some(c) = code {
            body["code"] = Value::String(c.to_string());
        }
        let (status, v) = self.api("POST", "/endpoints", Some(body));
        assert_eq!(status, 200, "{v}");
        v["data"]["id"].as_str().expect("id").to_string()
    }

    /// Compiles and starts; panics with the API's error otherwise.
    pub fn deploy(&self, id: &str) {
        let (s, v) = self.api("POST", &format!("/endpoints/{id}/compile"), None);
        assert_eq!((s, &v["ok"]), (200, &Value::Bool(true)), "compile: {v}");
        let (s, v) = self.api("POST", &format!("/endpoints/{id}/start"), None);
        assert_eq!(
            (s, &v["data"]["status"]),
            (200, &Value::String("running".into())),
            "start: {v}"
        );
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A handler answering `{"v": <version>, "path": ...}`.
pub fn versioned_code(version: u32) -> String {
    format!(
        "use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(_ctx: &Context, req: Request) -> Response {{\n    Response::ok(json!({{ \"v\": {version}, \"path\": req.path }}))\n}}\n"
    )
}

impl Gateway {
    /// `METHOD path` with a body on the gateway port.
    pub fn request(&self, method: &str, path: &str, body: &[u8]) -> Reply {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let mut raw = head.into_bytes();
        raw.extend_from_slice(body);
        Conn::open_with_timeout(self.gateway, std::time::Duration::from_secs(60))
            .send(&raw)
            .reply()
            .expect("gateway reply")
    }

    /// `GET path` on the gateway port, the body parsed as JSON.
    pub fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self.get(path);
        (
            r.status,
            serde_json::from_slice(&r.body).unwrap_or(Value::Null),
        )
    }

    /// Creates a service and returns its id.
    pub fn service(&self, name: &str, service_type: &str, config: Value) -> String {
        let (s, v) = self.api(
            "POST",
            "/services",
            Some(serde_json::json!({"name": name, "service_type": service_type, "config": config})),
        );
        assert_eq!(s, 200, "create service: {v}");
        v["data"]["id"].as_str().expect("id").to_string()
    }

    /// Activates a service; panics with the API's error otherwise.
    pub fn activate(&self, id: &str) {
        let (s, v) = self.api("POST", &format!("/services/{id}/activate"), None);
        assert_eq!(
            (s, &v["data"]["active"]),
            (200, &Value::Bool(true)),
            "activate: {v}"
        );
    }

    /// Binds a service to an endpoint under `pool_id`.
    pub fn bind(&self, endpoint: &str, service: &str, pool_id: &str) {
        let (s, v) = self.api(
            "POST",
            &format!("/endpoints/{endpoint}/services"),
            Some(serde_json::json!({"service_id": service, "pool_id": pool_id})),
        );
        assert_eq!(s, 200, "bind: {v}");
    }

    /// Creates an endpoint with `code`, binds `(service, pool_id)` pairs, compiles and starts.
    pub fn handler(&self, path: &str, code: &str, bindings: &[(&str, &str)]) -> String {
        let ep = self.create(path.trim_start_matches('/'), "GET", path, Some(code));
        for (service, pool) in bindings {
            self.bind(&ep, service, pool);
        }
        self.deploy(&ep);
        ep
    }
}

/// A ZIP archive of `(name, text)` entries.
pub fn zip(entries: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        w.write_all(body.as_bytes()).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

impl Gateway {
    /// `POST /api/import/bundle?query` with `bundle` as the multipart field `bundle`.
    pub fn upload_bundle(&self, query: &str, bundle: &[u8]) -> (u16, Value) {
        let boundary = "XbundleX";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"b.zip\"\r\nContent-Type: application/zip\r\n\r\n").into_bytes();
        body.extend_from_slice(bundle);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut raw = format!(
            "POST /api/import/bundle?{query} HTTP/1.1\r\nHost: localhost\r\n{}Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.auth(),
            body.len()
        )
        .into_bytes();
        raw.extend_from_slice(&body);
        let r = Conn::open_with_timeout(self.admin, std::time::Duration::from_secs(600))
            .send(&raw)
            .reply()
            .expect("reply");
        (
            r.status,
            serde_json::from_slice(&r.body).unwrap_or(Value::Null),
        )
    }
}

/// The first line of wrk's summary that starts with `start` (`Socket errors`, `Non-2xx`).
pub fn wrk_line<'a>(out: &'a str, start: &str) -> Option<&'a str> {
    out.lines().map(str::trim).find(|l| l.starts_with(start))
}

/// The number of requests wrk's summary counts (`N requests in ...`; 0 when absent).
pub fn wrk_requests(out: &str) -> u64 {
    out.lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
