//! Loading and driving handler libraries in the test process, as the gateway does.

use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::Duration;

use rust_edge_gateway_dataplane::host::HOST_VTABLE;
use rust_edge_gateway_dataplane::library::{install, HandlerLibrary};
use rust_edge_gateway_dataplane::registry::EndpointSpec;
use rust_edge_gateway_dataplane::LoadError;
use rust_edge_gateway_sdk::abi::CallScope;
use rust_edge_gateway_sdk::{Body, Context, Request, Response};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A scratch directory for installed libraries, removed on drop.
#[derive(Debug)]
pub struct Store {
    dir: tempfile::TempDir,
}

impl Store {
    /// A new, empty store.
    pub fn new() -> Self {
        Store {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// The store's directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Installs `built` under its content-addressed name and loads it.
    pub fn load(&self, built: &Path) -> Result<Arc<HandlerLibrary>, LoadError> {
        let installed = self.install(built)?;
        Self::load_installed(&installed)
    }

    /// Installs `built` under its content-addressed name.
    pub fn install(&self, built: &Path) -> Result<std::path::PathBuf, LoadError> {
        install(built, self.dir.path())
    }

    /// Loads an already installed library.
    pub fn load_installed(installed: &Path) -> Result<Arc<HandlerLibrary>, LoadError> {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        HandlerLibrary::load(installed, &HOST_VTABLE, id).map(Arc::new)
    }
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

/// A context for calls made by the tests (endpoint scope 0).
pub fn ctx() -> Context {
    Context::__from_scope(CallScope {
        host: &HOST_VTABLE,
        scope: 0,
    })
}

/// A request for `method path?query`, with a request id.
pub fn request(method: &str, target: &str) -> Request {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut req = Request {
        method: method.to_string(),
        path: path.to_string(),
        request_id: format!("test-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed)),
        ..Default::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        req.query.insert(k.to_string(), v.to_string());
    }
    req
}

/// The same request with a body and content type.
pub fn with_body(mut req: Request, content_type: &str, body: impl Into<Body>) -> Request {
    req.headers
        .insert("content-type".into(), content_type.into());
    req.body = Some(body.into());
    req
}

/// Runs `fut` on a monoio runtime with timers (io_uring, or epoll where unavailable), as a
/// dataplane worker would.
pub fn run<F: Future>(fut: F) -> F::Output {
    monoio::RuntimeBuilder::<monoio::FusionDriver>::new()
        .enable_timer()
        .build()
        .expect("monoio runtime")
        .block_on(fut)
}

/// The body parsed as JSON.
pub fn json(resp: &Response) -> serde_json::Value {
    serde_json::from_slice(resp.body_bytes()).unwrap_or_else(|e| {
        panic!(
            "status {} body is not JSON ({e}): {:?}",
            resp.status,
            String::from_utf8_lossy(resp.body_bytes())
        )
    })
}

/// Resident set size of this process, in KiB.
pub fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS in /proc/self/status")
}

/// Polls a handler future once with a no-op waker: for handlers that answer without
/// waiting (benchmarks and memory probes drive them without a runtime).
pub fn ready_now(fut: impl Future<Output = Response>) -> Response {
    let mut fut = pin!(fut);
    match fut
        .as_mut()
        .poll(&mut TaskContext::from_waker(Waker::noop()))
    {
        Poll::Ready(r) => r,
        Poll::Pending => Response::internal_error("handler unexpectedly pending"),
    }
}

/// The `GET /hello` request benchmarks use, with the headers a load generator sends.
pub fn hello_request() -> Request {
    let mut req = Request {
        method: "GET".into(),
        path: "/hello".into(),
        request_id: "0f6c2a9e-bench".into(),
        client_ip: Some("127.0.0.1".into()),
        ..Default::default()
    };
    req.headers.insert("host".into(), "localhost:9080".into());
    req.headers.insert("user-agent".into(), "bench/1.0".into());
    req.headers.insert("accept".into(), "*/*".into());
    req
}

/// An endpoint on every host with test defaults: 64 KiB bodies, 5 s timeout, scope 0.
pub fn endpoint(id: &str, method: &str, path: &str) -> EndpointSpec {
    EndpointSpec {
        id: id.into(),
        domain: "*".into(),
        method: method.into(),
        path: path.into(),
        max_body: 64 * 1024,
        timeout: Duration::from_secs(5),
        scope: 0,
        version: 1,
    }
}
