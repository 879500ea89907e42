//! Unit tests of Rust Edge Gateway handlers without a running gateway.
//!
//! A handler crate's own `cargo test` builds a [`Request`] with [`TestRequest`], calls the
//! handler function through a [`TestGateway`], and inspects the [`Response`]. Services are
//! real: a SQLite file, a Redis URL, a PostgreSQL server... configured exactly as on the
//! gateway (same fields, same service code: the gateway's own service actors run in the
//! test process), never stand-ins. Variables and secrets are set on the test gateway.
//!
//! ```ignore
//! // tests/hello.rs of a handler crate (crate-type = ["cdylib", "rlib"]), with
//! // [dev-dependencies] rust-edge-gateway-testing
//! use rust_edge_gateway_testing::{TestGateway, TestRequest};
//!
//! #[test]
//! fn greets() {
//!     let gw = TestGateway::new();
//!     gw.var("GREETING", "hi");
//!     gw.service("db", "sqlite", serde_json::json!({"path": "/tmp/t.db"})).unwrap();
//!     let req = TestRequest::get("/hello").query("name", "Ada").build();
//!     let resp = gw.call(|ctx| async move { my_handler::handle(&ctx, req).await });
//!     assert_eq!(resp.status, 200);
//! }
//! ```

mod request;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

pub use request::TestRequest;
use rust_edge_gateway_dataplane::host::{serve_calls_from, set_vars, HOST_VTABLE};
use rust_edge_gateway_sdk::abi::CallScope;
pub use rust_edge_gateway_sdk::{Context, Request, Response};
use rust_edge_gateway_services::{ServiceDef, ServiceHub};

/// Why a test gateway could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum TestError {
    /// The service's config is invalid or its backend did not answer.
    #[error("service {name}: {message}")]
    Service {
        /// The service name.
        name: String,
        /// The reason.
        message: String,
    },
}

/// What every test gateway of the process shares: the control runtime and the service hub
/// (the dataplane's service bridge is connected once per process).
struct Shared {
    runtime: tokio::runtime::Runtime,
    hub: ServiceHub,
    _dir: tempfile::TempDir,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("reg-test-control")
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("no tokio runtime for the test gateway: {e}"));
        let dir = tempfile::tempdir()
            .unwrap_or_else(|e| panic!("no temporary dir for the test gateway: {e}"));
        let hub = ServiceHub::new(dir.path(), runtime.handle().clone());
        serve_calls_from(&hub);
        Shared {
            runtime,
            hub,
            _dir: dir,
        }
    })
}

/// One endpoint's view of the gateway, for a test: its services, bindings and variables,
/// and a way to call the handler as the gateway would.
#[derive(Debug)]
pub struct TestGateway {
    scope: u64,
    vars: Mutex<HashMap<String, String>>,
    bindings: Mutex<HashMap<String, String>>,
}

impl Default for TestGateway {
    fn default() -> Self {
        Self::new()
    }
}

impl TestGateway {
    /// A test gateway with no services, bindings or variables.
    pub fn new() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1 << 40);
        shared();
        TestGateway {
            scope: NEXT.fetch_add(1, Ordering::Relaxed),
            vars: Mutex::default(),
            bindings: Mutex::default(),
        }
    }

    /// Creates and activates a service (the gateway's own config check and backend code),
    /// reachable from the handler under `name`. Fails when the backend does not answer.
    pub fn service(
        &self,
        name: &str,
        service_type: &str,
        config: serde_json::Value,
    ) -> Result<(), TestError> {
        let s = shared();
        let id = format!("test-{}-{name}", self.scope);
        // Registered under a name of its own and bound as `name`: test gateways of one
        // process never see each other's services.
        let def = ServiceDef {
            id: id.clone(),
            name: id.clone(),
            service_type: service_type.to_string(),
            config,
        };
        s.runtime
            .block_on(s.hub.activate(&def, true))
            .map_err(|e| TestError::Service {
                name: name.to_string(),
                message: e.to_string(),
            })?;
        self.bind(name, &id);
        Ok(())
    }

    fn bind(&self, pool_id: &str, service_id: &str) {
        let mut b = self.bindings.lock().unwrap_or_else(|p| p.into_inner());
        b.insert(pool_id.to_string(), service_id.to_string());
        shared().hub.set_bindings(self.scope, b.clone());
    }

    /// Sets a variable (or secret) the handler reads with `ctx.var(name)`.
    pub fn var(&self, name: &str, value: &str) {
        let mut v = self.vars.lock().unwrap_or_else(|p| p.into_inner());
        v.insert(name.to_string(), value.to_string());
        set_vars(self.scope, v.clone());
    }

    /// The context a handler of this endpoint receives.
    pub fn context(&self) -> Context {
        Context::__from_scope(CallScope {
            host: &HOST_VTABLE,
            scope: self.scope,
        })
    }

    /// Calls an async handler: `gw.call(|ctx| async move { handle(&ctx, req).await })`,
    /// polled on a single-threaded runtime like a gateway worker's, panics turned into a
    /// 500 as the gateway does.
    pub fn call<F, Fut, R>(&self, f: F) -> Response
    where
        F: FnOnce(Context) -> Fut,
        Fut: Future<Output = R> + 'static,
        R: rust_edge_gateway_sdk::__rt::IntoHandlerResponse,
    {
        let fut = rust_edge_gateway_sdk::__rt::run_async(self.context(), f);
        let mut rt = monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
            .enable_timer()
            .build()
            .unwrap_or_else(|e| panic!("no runtime for the handler: {e}"));
        rt.block_on(fut)
    }

    /// Calls a synchronous handler: `gw.call_blocking(|ctx| handle(req))`, with the blocking
    /// service API (`DbPool`, `rust_edge_gateway_sdk::var`...) available as on the gateway.
    pub fn call_blocking<R>(&self, f: impl FnOnce(Context) -> R) -> Response
    where
        R: rust_edge_gateway_sdk::__rt::IntoHandlerResponse,
    {
        rust_edge_gateway_sdk::__rt::run_blocking(self.context(), f)
    }
}

impl Drop for TestGateway {
    fn drop(&mut self) {
        set_vars(self.scope, HashMap::new());
        shared().hub.set_bindings(self.scope, std::iter::empty());
    }
}
