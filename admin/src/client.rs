//! The command-line client: `rust-edge-gateway endpoint deploy|list|logs`,
//! `import openapi`, `service list`, talking to a running gateway's admin API.
//!
//! Every command prints what it does on stderr and its result on stdout, and exits non-zero
//! with the API's own error message when a call fails.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::Subcommand;
use serde_json::{json, Value};

/// The route a deploy targets, as flags.
#[derive(Debug, Clone, clap::Args)]
pub struct RouteFlags {
    /// Route path, e.g. /hello or /pets/{id}.
    #[arg(long)]
    pub path: String,
    /// HTTP method.
    #[arg(long, default_value = "GET")]
    pub method: String,
    /// Host the route answers on (`*` for all).
    #[arg(long, default_value = "*")]
    pub domain: String,
}

impl RouteFlags {
    fn args(&self, name: Option<String>) -> RouteArgs {
        RouteArgs {
            path: self.path.clone(),
            method: self.method.to_ascii_uppercase(),
            domain: self.domain.clone(),
            name,
        }
    }
}

/// Client subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Endpoints: deploy a handler file, list, show logs.
    #[command(subcommand)]
    Endpoint(EndpointCmd),
    /// Imports.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Services.
    #[command(subcommand)]
    Service(ServiceCmd),
    /// The handler developer's loop: deploys FILE on a route (creating the endpoint, or
    /// reusing the one on it), redeploys on every save, prints rustc's diagnostics when a
    /// save does not compile (the last good version keeps serving) and streams the
    /// endpoint's logs (its prints and panics). Ctrl-C leaves the endpoint as it is.
    Dev {
        /// The handler source (a `src/lib.rs`).
        file: std::path::PathBuf,
        /// The route.
        #[command(flatten)]
        route: RouteFlags,
        /// A TOML file of Cargo dependencies (a `[dependencies]` table, or the table
        /// itself), watched like FILE.
        #[arg(long)]
        deps: Option<std::path::PathBuf>,
    },
    /// The gateway nodes on this store (cluster mode): state, version, gateway address, last
    /// heartbeat and what each serves; endpoints the nodes disagree on are listed last, and
    /// make the command exit 1.
    Nodes,
    /// Exits 0 when the management API answers `GET /api/health` as healthy, 1 otherwise
    /// (a container `HEALTHCHECK` or a supervisor's probe; no token needed).
    Health,
    /// Writes the gateway's whole state (domains, collections, endpoints with their code,
    /// services without secrets, bindings) as one YAML document.
    Export {
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Makes the gateway match a document written by `export` (create, update, compile,
    /// deploy); a second apply of the same document changes nothing.
    Apply {
        /// The document.
        file: std::path::PathBuf,
        /// Also delete what the document does not name.
        #[arg(long)]
        prune: bool,
        /// Print the plan; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// `endpoint ...`
#[derive(Debug, Clone, Subcommand)]
pub enum EndpointCmd {
    /// Creates (or updates) the endpoint of METHOD PATH with the handler in FILE, compiles
    /// it and starts it (a hot swap when it was running).
    Deploy {
        /// The route.
        #[command(flatten)]
        route: RouteFlags,
        /// Display name (default: from the path).
        #[arg(long)]
        name: Option<String>,
        /// A variable the handler reads with `ctx.var(K)` (repeatable; other variables stay).
        #[arg(long = "var", value_name = "K=V")]
        vars: Vec<String>,
        /// A secret the handler reads with `ctx.var(K)`, its value taken from the environment
        /// variable K, else a line of stdin (repeatable; never on the command line).
        #[arg(long = "secret", value_name = "K")]
        secrets: Vec<String>,
        /// Largest request body the endpoint accepts, in bytes (413 above; new endpoints
        /// default to 1 MiB, an existing one keeps its value when this is left out).
        #[arg(long, value_name = "BYTES")]
        max_body_bytes: Option<u64>,
        /// The handler source (a `src/lib.rs`).
        file: std::path::PathBuf,
    },
    /// Lists endpoints.
    List,
    /// Prints an endpoint's log lines.
    Logs {
        /// Endpoint id.
        id: String,
    },
}

/// `import ...`
#[derive(Debug, Clone, Subcommand)]
pub enum ImportCmd {
    /// One endpoint per operation of an OpenAPI 3 document (YAML or JSON).
    Openapi {
        /// The document.
        file: std::path::PathBuf,
        /// Host the endpoints answer on.
        #[arg(long, default_value = "*")]
        domain: String,
    },
}

/// `service ...`
#[derive(Debug, Clone, Subcommand)]
pub enum ServiceCmd {
    /// Lists services (secrets masked).
    List,
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The API answered with an error.
    #[error("{method} {path}: {status}: {message}")]
    Api {
        /// Method called.
        method: String,
        /// Path called.
        path: String,
        /// HTTP status.
        status: u16,
        /// The API's message.
        message: String,
    },
    /// The admin API could not be reached.
    #[error(
        "admin API at {0} not reachable: {1} (is the gateway running? --admin-url / REG_ADMIN_URL)"
    )]
    Unreachable(String, String),
    /// A local file could not be read.
    #[error("{0}: {1}")]
    File(String, std::io::Error),
    /// A configuration document is not valid, or cannot be applied.
    #[error("{0}")]
    Apply(String),
    /// The health check answered, but not healthy.
    #[error("unhealthy: {0}")]
    Unhealthy(String),
    /// The cluster's nodes serve an endpoint at different versions.
    #[error("the nodes disagree: {0}")]
    Disagree(String),
    /// `--admin-ca` holds no usable certificate.
    #[error("--admin-ca {0}: {1}")]
    Ca(String, String),
}

/// A client of one gateway's management API.
#[derive(Debug, Clone)]
pub struct Api {
    base: String,
    token: Option<String>,
    timeout: Duration,
    agent: ureq::Agent,
}

impl Api {
    /// The API at `base` (`http://127.0.0.1:9081`), with the admin token.
    pub fn new(base: &str, token: Option<String>) -> Self {
        Api {
            base: base.to_string(),
            token,
            // Compiles answer when they are done.
            timeout: Duration::from_secs(1800),
            agent: ureq::Agent::new(),
        }
    }

    /// The same API reached over HTTPS trusting only the CA certificates in `ca` (PEM),
    /// for an admin listener with a private certificate (`--admin-tls-cert`). Without
    /// it, `https://` URLs are checked against the public web roots.
    pub fn with_ca(self, ca: &Path) -> Result<Self, ClientError> {
        let shown = ca.display().to_string();
        let pem = std::fs::read(ca).map_err(|e| ClientError::File(shown.clone(), e))?;
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            let cert = cert.map_err(|e| ClientError::Ca(shown.clone(), e.to_string()))?;
            roots
                .add(cert)
                .map_err(|e| ClientError::Ca(shown.clone(), e.to_string()))?;
        }
        if roots.is_empty() {
            return Err(ClientError::Ca(shown, "no PEM CERTIFICATE block".into()));
        }
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ClientError::Ca(shown, e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let agent = ureq::AgentBuilder::new()
            .tls_config(std::sync::Arc::new(config))
            .build();
        Ok(Api { agent, ..self })
    }

    /// The same API with calls bounded by `timeout`.
    pub fn with_timeout(self, timeout: Duration) -> Self {
        Api { timeout, ..self }
    }

    /// Calls `method /api{path}`: the envelope's data, or the API's error.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ClientError> {
        let url = format!("{}/api{path}", self.base.trim_end_matches('/'));
        let mut req = self.agent.request(method, &url).timeout(self.timeout);
        if let Some(t) = &self.token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        let result = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        let (status, text) = match result {
            Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
            Err(e) => return Err(ClientError::Unreachable(self.base.clone(), e.to_string())),
        };
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status < 300 && v["ok"] != false {
            return Ok(v.get("data").cloned().unwrap_or(v));
        }
        let message = v["error"].as_str().map_or(text.clone(), str::to_string);
        Err(ClientError::Api {
            method: method.into(),
            path: path.into(),
            status,
            message,
        })
    }

    /// A call that may take long, with a progress line every few seconds.
    pub fn call_with_progress(
        &self,
        what: &str,
        method: &str,
        path: &str,
    ) -> Result<Value, ClientError> {
        let (done, wait) = mpsc::channel::<()>();
        let label = what.to_string();
        let ticker = std::thread::spawn(move || {
            let started = Instant::now();
            while wait.recv_timeout(Duration::from_secs(3)).is_err() {
                eprintln!("  ... {label} ({} s)", started.elapsed().as_secs());
            }
        });
        let r = self.call(method, path, None);
        let _ = done.send(());
        let _ = ticker.join();
        r
    }
}

/// A local file's text.
pub fn read(file: &Path) -> Result<String, ClientError> {
    std::fs::read_to_string(file).map_err(|e| ClientError::File(file.display().to_string(), e))
}

fn name_from(path: &str, method: &str) -> String {
    let cleaned: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!(
        "{}{}",
        method.to_ascii_lowercase(),
        cleaned.trim_end_matches('_')
    )
}

/// The route an endpoint deploy targets.
#[derive(Debug, Clone)]
pub struct RouteArgs {
    /// Path.
    pub path: String,
    /// Upper-case method.
    pub method: String,
    /// Host or `*`.
    pub domain: String,
    /// Display name (default: from the method and path).
    pub name: Option<String>,
}

/// Creates the endpoint of `route` (or reuses the one on it), sets its code (and
/// dependencies, when given), compiles and starts it: a hot swap when it was serving. A
/// compile error is the API's error (rustc's diagnostics) and the deployed version keeps
/// serving. Returns the endpoint's id.
pub fn deploy_code(
    api: &Api,
    route: &RouteArgs,
    code: &str,
    fields: Option<&Value>,
    what: &str,
) -> Result<String, ClientError> {
    let (method, path) = (&route.method, &route.path);
    let add = |body: &mut Value| {
        for (k, v) in fields.and_then(Value::as_object).into_iter().flatten() {
            body[k] = v.clone();
        }
    };
    let id = match endpoint_on(api, route)? {
        Some(id) => {
            eprintln!("updating endpoint {id} ({method} {path})");
            let mut body = json!({"code": code});
            add(&mut body);
            api.call("PUT", &format!("/endpoints/{id}"), Some(body))?;
            id
        }
        None => {
            eprintln!("creating endpoint {method} {path}");
            let mut body = json!({
                "name": route.name.clone().unwrap_or_else(|| name_from(path, method)),
                "path": path, "method": method, "domain": route.domain, "code": code,
            });
            add(&mut body);
            let created = api.call("POST", "/endpoints", Some(body))?;
            created["id"].as_str().unwrap_or_default().to_string()
        }
    };
    eprintln!("compiling {what} ...");
    let started = Instant::now();
    api.call_with_progress("compiling", "POST", &format!("/endpoints/{id}/compile"))?;
    eprintln!(
        "compiled in {:.1} s; starting",
        started.elapsed().as_secs_f64()
    );
    api.call("POST", &format!("/endpoints/{id}/start"), None)?;
    Ok(id)
}

/// The `variables` and `secrets` fields a deploy sends for `--var K=V` and `--secret K`:
/// the endpoint's others kept, the named ones set (a secret's value from the environment
/// variable of its name, else a line of stdin).
fn var_fields(
    api: &Api,
    route: &RouteArgs,
    vars: &[String],
    secrets: &[String],
) -> Result<Option<Value>, ClientError> {
    if vars.is_empty() && secrets.is_empty() {
        return Ok(None);
    }
    let current = match endpoint_on(api, route)? {
        Some(id) => api.call("GET", &format!("/endpoints/{id}"), None)?,
        None => Value::Null,
    };
    let mut out = serde_json::Map::new();
    if !vars.is_empty() {
        let mut v = current["variables"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for kv in vars {
            let (k, val) = kv
                .split_once('=')
                .ok_or_else(|| ClientError::Apply(format!("--var {kv}: expected K=V")))?;
            v.insert(k.to_string(), Value::String(val.to_string()));
        }
        out.insert("variables".into(), Value::Object(v));
    }
    if !secrets.is_empty() {
        // The stored ones come back masked, which keeps them.
        let mut v = current["secrets"].as_object().cloned().unwrap_or_default();
        let stdin = std::io::stdin();
        for k in secrets {
            let value = match std::env::var(k) {
                Ok(val) => val,
                Err(_) => {
                    eprintln!("secret {k}: reading its value from stdin (one line)");
                    let mut line = String::new();
                    stdin
                        .read_line(&mut line)
                        .map_err(|e| ClientError::File("stdin".into(), e))?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            v.insert(k.clone(), Value::String(value));
        }
        out.insert("secrets".into(), Value::Object(v));
    }
    Ok(Some(Value::Object(out)))
}

/// The id of the endpoint on `route`, if there is one.
pub fn endpoint_on(api: &Api, route: &RouteArgs) -> Result<Option<String>, ClientError> {
    let existing = api.call("GET", "/endpoints", None)?;
    Ok(existing
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| {
            e["path"] == route.path.as_str()
                && e["method"] == route.method.as_str()
                && e["domain"] == route.domain.as_str()
        })
        .and_then(|e| e["id"].as_str().map(str::to_string)))
}

/// Runs a client command against the admin API at `base`.
pub fn run(
    base: &str,
    token: Option<String>,
    ca: Option<&Path>,
    cmd: &Command,
) -> Result<(), ClientError> {
    let api = match ca {
        Some(ca) => Api::new(base, token).with_ca(ca)?,
        None => Api::new(base, token),
    };
    match cmd {
        Command::Health => {
            // Open route, short bound: a container HEALTHCHECK runs this every few seconds.
            let v = api
                .with_timeout(Duration::from_secs(5))
                .call("GET", "/health", None)?;
            if v["status"] != "healthy" {
                return Err(ClientError::Unhealthy(v.to_string()));
            }
            let restore = &v["restore"];
            println!(
                "healthy (version {}, restore {})",
                v["version"].as_str().unwrap_or("?"),
                if restore["done"] == true {
                    "done"
                } else {
                    "in progress"
                }
            );
        }
        Command::Endpoint(EndpointCmd::Deploy {
            route,
            name,
            vars,
            secrets,
            max_body_bytes,
            file,
        }) => {
            let code = read(file)?;
            let route = route.args(name.clone());
            let mut extra = var_fields(&api, &route, vars, secrets)?;
            if let Some(n) = max_body_bytes {
                let fields = extra.get_or_insert_with(|| json!({}));
                fields["max_body_bytes"] = json!(n);
            }
            let id = deploy_code(
                &api,
                &route,
                &code,
                extra.as_ref(),
                &file.display().to_string(),
            )?;
            println!("{id} {} {} running", route.method, route.path);
        }
        Command::Dev { file, route, deps } => {
            let route = route.args(None);
            crate::dev_loop::run(&api, &route, file, deps.as_deref())?;
        }
        Command::Endpoint(EndpointCmd::List) => {
            for e in api
                .call("GET", "/endpoints", None)?
                .as_array()
                .into_iter()
                .flatten()
            {
                println!(
                    "{}  {:<7} {:<30} {:<10} {}",
                    e["id"].as_str().unwrap_or_default(),
                    e["method"].as_str().unwrap_or_default(),
                    e["path"].as_str().unwrap_or_default(),
                    e["status"].as_str().unwrap_or_default(),
                    e["name"].as_str().unwrap_or_default()
                );
            }
        }
        Command::Endpoint(EndpointCmd::Logs { id }) => {
            for line in api
                .call("GET", &format!("/endpoints/{id}/logs"), None)?
                .as_array()
                .into_iter()
                .flatten()
            {
                println!(
                    "{} {:<5} {}",
                    line["at"].as_str().unwrap_or_default(),
                    line["level"].as_str().unwrap_or_default(),
                    line["message"].as_str().unwrap_or_default()
                );
            }
        }
        Command::Import(ImportCmd::Openapi { file, domain }) => {
            let spec = read(file)?;
            eprintln!("importing {}", file.display());
            let r = api.call(
                "POST",
                "/import/openapi",
                Some(json!({"spec": spec, "domain": domain})),
            )?;
            let endpoints = r["endpoints"].as_array().cloned().unwrap_or_default();
            for e in &endpoints {
                println!(
                    "{}  {:<7} {}",
                    e["id"].as_str().unwrap_or_default(),
                    e["method"].as_str().unwrap_or_default(),
                    e["path"].as_str().unwrap_or_default()
                );
            }
            eprintln!(
                "{} endpoints created (POST /api/endpoints/<id>/compile, /start to serve them)",
                endpoints.len()
            );
        }
        Command::Export { out } => {
            let doc = crate::config_doc::export(&api)?;
            let text = serde_yaml_ng::to_string(&doc)
                .map_err(|e| ClientError::Apply(format!("writing the document: {e}")))?;
            match out {
                Some(path) => {
                    std::fs::write(path, text)
                        .map_err(|e| ClientError::File(path.display().to_string(), e))?;
                    eprintln!(
                        "exported {} domains, {} services, {} endpoints to {}",
                        doc.domains.len(),
                        doc.services.len(),
                        doc.endpoints.len(),
                        path.display()
                    );
                }
                None => print!("{text}"),
            }
        }
        Command::Apply {
            file,
            prune,
            dry_run,
        } => {
            let text = read(file)?;
            let doc: crate::config_doc::ConfigDoc = serde_yaml_ng::from_str(&text)
                .map_err(|e| ClientError::Apply(format!("{}: {e}", file.display())))?;
            if doc.version != 1 {
                return Err(ClientError::Apply(format!(
                    "{}: version {} is not known (1 is)",
                    file.display(),
                    doc.version
                )));
            }
            let plan = crate::config_doc::apply(&api, &doc, *prune, *dry_run, &|var| {
                std::env::var(var).ok()
            })?;
            match (plan.changes.len(), dry_run) {
                (0, _) => println!("no changes: the gateway already matches {}", file.display()),
                (n, true) => println!("{n} changes planned (dry run: nothing changed)"),
                (n, false) => println!("{n} changes applied"),
            }
        }
        Command::Nodes => {
            let v = api.call("GET", "/nodes", None)?;
            for n in v["nodes"].as_array().into_iter().flatten() {
                let serving: Vec<String> = n["serving"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(id, s)| match s["version"].as_i64() {
                        Some(v) => format!("{id}=v{v}"),
                        None => format!("{id}=not served"),
                    })
                    .collect();
                println!(
                    "{:<20} {:<5} {:<8} {:<22} heartbeat {} s ago  {}",
                    n["id"].as_str().unwrap_or_default(),
                    n["state"].as_str().unwrap_or_default(),
                    n["version"].as_str().unwrap_or_default(),
                    n["gateway_address"].as_str().unwrap_or_default(),
                    n["heartbeat_age_seconds"].as_i64().unwrap_or_default(),
                    serving.join(" ")
                );
            }
            let split = v["disagreements"].as_object().cloned().unwrap_or_default();
            for (id, by_node) in &split {
                println!("endpoint {id} is not served at one version on every node: {by_node}");
            }
            if !split.is_empty() {
                return Err(ClientError::Disagree(format!(
                    "{} endpoint(s) served at different versions",
                    split.len()
                )));
            }
        }
        Command::Service(ServiceCmd::List) => {
            for s in api
                .call("GET", "/services", None)?
                .as_array()
                .into_iter()
                .flatten()
            {
                println!(
                    "{}  {:<10} {:<8} {}",
                    s["id"].as_str().unwrap_or_default(),
                    s["service_type"].as_str().unwrap_or_default(),
                    if s["active"] == true {
                        "active"
                    } else {
                        "inactive"
                    },
                    s["name"].as_str().unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_from_paths() {
        assert_eq!(super::name_from("/pets/{id}", "GET"), "get_pets__id");
    }
}
