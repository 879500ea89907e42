//! The management API on the admin port: routes, shared state, token check.
//!
//! One file per resource: `domains.rs`, `collections.rs`, `endpoints.rs`, `services.rs`,
//! `system.rs`;
//! `envelope.rs` is the response format; `guard.rs` refuses cross-site browser requests
//! when there is no token.

pub mod certificates;
pub mod collections;
pub mod compile;
pub mod domains;
pub mod endpoints;
pub mod envelope;
pub mod guard;
pub mod import;
pub mod metrics;
pub mod minio;
pub mod nodes;
pub mod services;
pub mod system;
pub mod try_it;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::compiler::Compiler;
use crate::serving::Serving;
use crate::store::Store;
use envelope::ApiError;

/// What every handler of the API can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Config store.
    pub store: Store,
    /// Build queue.
    pub compiler: Arc<Compiler>,
    /// Loaded endpoints.
    pub serving: Serving,
    /// When set, every /api call needs `Authorization: Bearer <token>` (unset only with
    /// `--admin-auth none`, on loopback).
    pub token: Option<Arc<str>>,
    /// A read-only token `/metrics` accepts besides the admin token.
    pub metrics_token: Option<Arc<str>>,
    /// Compile, deploy, stop, re-route, delete.
    pub lifecycle: crate::lifecycle::Lifecycle,
    /// How far the boot restore is.
    pub restore: Arc<crate::lifecycle::RestoreProgress>,
    /// Process start.
    pub started: Instant,
    /// Per-endpoint logs.
    pub logs: Arc<crate::logs::EndpointLogs>,
    /// The service actors.
    pub services: rust_edge_gateway_services::ServiceHub,
    /// Serializes lifecycle operations per service.
    pub service_locks: Arc<crate::actors::ServiceLocks>,
    /// Where the gateway port listens (the "try it" requests go there).
    pub gateway: std::net::SocketAddr,
    /// The dataplane's protection counters (`/metrics`).
    pub protections: Arc<rust_edge_gateway_dataplane::protections::ProtectionCounters>,
    /// TLS certificates (API and `--tls-cert-dir`).
    pub certificates: Arc<crate::certificates::Certificates>,
    /// TLS handshake counters.
    pub tls_metrics: Arc<rust_edge_gateway_dataplane::tls::TlsMetrics>,
    /// In cluster mode (`--store postgres://...`): this node's link to the others.
    pub cluster: Option<Arc<crate::cluster::sync::Cluster>>,
    /// This node (also without a cluster: `GET /api/nodes` lists it alone).
    pub node: crate::cluster::NodeInfo,
}

/// A JSON request body as `T`; a body that is not JSON, or not shaped like `T`, is a 400 in
/// the API's envelope saying what is wrong (axum's own rejection is plain text).
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(e.into()),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        ApiError::bad_request(format!("invalid request body: {}", e.body_text()))
    }
}

/// Whether `given` is `token`, compared in constant time: the answer must not say how much
/// of a guess was right.
fn token_matches(given: Option<&str>, token: &str) -> bool {
    given.is_some_and(|g| {
        use subtle::ConstantTimeEq;
        bool::from(g.as_bytes().ct_eq(token.as_bytes()))
    })
}

fn bearer(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

async fn require_token(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if let Some(token) = &state.token {
        let given = bearer(&req);
        let metrics_ok = req.uri().path() == "/metrics"
            && state
                .metrics_token
                .as_deref()
                .is_some_and(|m| token_matches(given, m));
        if !metrics_ok && !token_matches(given, token) {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing or invalid admin token (Authorization: Bearer <token>)",
            ));
        }
    }
    Ok(next.run(req).await)
}

async fn no_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such management API route")
}

/// `router` behind the token check, itself behind the browser guard (which runs first).
fn protected(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_token,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::browser_guard,
        ))
}

/// The admin router.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/stats", get(system::stats))
        .route("/nodes", get(nodes::list))
        .route("/domains", get(domains::list).post(domains::create))
        .route(
            "/domains/{id}",
            get(domains::get)
                .put(domains::update)
                .delete(domains::delete),
        )
        .route("/domains/{id}/collections", get(domains::collections))
        .route(
            "/collections",
            get(collections::list).post(collections::create),
        )
        .route(
            "/collections/{id}",
            get(collections::get)
                .put(collections::update)
                .delete(collections::delete),
        )
        .route("/collections/{id}/endpoints", get(collections::endpoints))
        .route("/endpoints", get(endpoints::list).post(endpoints::create))
        .route(
            "/endpoints/{id}",
            get(endpoints::get)
                .put(endpoints::update)
                .delete(endpoints::delete),
        )
        .route("/endpoints/{id}/compile", post(compile::compile))
        .route("/templates/handler", get(endpoints::template))
        .route("/endpoints/{id}/start", post(endpoints::start))
        .route("/endpoints/{id}/stop", post(endpoints::stop))
        .route("/endpoints/{id}/logs", get(endpoints::logs))
        .route("/endpoints/{id}/deployed", get(endpoints::deployed))
        .route("/endpoints/{id}/try", post(try_it::try_it))
        .route(
            "/endpoints/{id}/services",
            get(services::bindings).post(services::bind),
        )
        .route(
            "/endpoints/{id}/services/{service_id}",
            axum::routing::delete(services::unbind),
        )
        .route("/import/openapi", post(import::openapi))
        .route(
            "/import/bundle",
            post(import::bundle).layer(axum::extract::DefaultBodyLimit::max(
                crate::bundle::MAX_ZIP_BYTES + 64 * 1024,
            )),
        )
        .route("/services", get(services::list).post(services::create))
        .route(
            "/services/{id}",
            get(services::get)
                .put(services::update)
                .delete(services::delete),
        )
        .route("/services/{id}/activate", post(services::activate))
        .route("/services/{id}/deactivate", post(services::deactivate))
        .route("/services/{id}/test", post(services::test))
        .route("/services/test", post(services::test_draft))
        .route("/services/{id}/endpoints", get(services::users))
        .route(
            "/certificates",
            get(certificates::list).post(certificates::create),
        )
        .route(
            "/certificates/{id}",
            get(certificates::get).delete(certificates::delete),
        )
        .route(
            "/minio/objects",
            get(minio::list)
                .post(minio::upload)
                .layer(axum::extract::DefaultBodyLimit::max(minio::MAX_UPLOAD)),
        )
        .route(
            "/minio/objects/{*key}",
            get(minio::download).delete(minio::delete),
        )
        .fallback(no_route);
    let metrics = Router::new().route("/metrics", get(metrics::metrics));
    // Health stays open: load balancers and the UI (before it has the token) read it.
    let open = Router::new().route("/api/health", get(system::health));
    Router::new()
        .merge(open)
        .nest("/api", protected(api, &state))
        .merge(protected(metrics, &state))
        .merge(crate::ui::router())
        .with_state(state)
}
