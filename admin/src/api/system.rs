//! `GET /api/health` and `GET /api/stats`.

use axum::extract::State;

use super::envelope::{ok, ApiResult};
use super::AppState;
use crate::store::endpoints::{status, EndpointFilter};

/// Health check (no token needed): up, the version, and how far the boot restore is
/// (`restore.done` false while endpoints are still being loaded or rebuilt).
pub async fn health(State(state): State<AppState>) -> ApiResult {
    Ok(ok(serde_json::json!({
        "status": "healthy",
        "version": env!("CARGO_PKG_VERSION"),
        "restore": state.restore.snapshot(),
    })))
}

/// Gateway statistics.
pub async fn stats(State(state): State<AppState>) -> ApiResult {
    let endpoints = state
        .store
        .list_endpoints(&EndpointFilter::default())
        .await?;
    let running = endpoints
        .iter()
        .filter(|e| e.status == status::RUNNING)
        .count();
    let registry = state.serving.registry().stats();
    let metrics = state.serving.registry().metrics();
    let draining = state.serving.registry().draining_ids();
    let requests_handled: u64 = metrics.iter().map(|(_, m)| m.requests).sum();
    let per_endpoint: Vec<serde_json::Value> = metrics
        .iter()
        .map(|(id, m)| {
            serde_json::json!({
                "id": id,
                "draining": draining.binary_search(id).is_ok(),
                "requests": m.requests,
                "client_errors": m.client_errors,
                "server_errors": m.server_errors,
                "latency_ms_mean": m.mean().as_secs_f64() * 1000.0,
                "latency_ms_p50": m.quantile(0.5).as_secs_f64() * 1000.0,
                "latency_ms_p99": m.quantile(0.99).as_secs_f64() * 1000.0,
            })
        })
        .collect();
    Ok(ok(serde_json::json!({
        "endpoints_total": endpoints.len(),
        "endpoints_running": running,
        "requests_handled": requests_handled,
        "uptime_seconds": state.started.elapsed().as_secs(),
        "handlers": registry,
        "draining_endpoints": draining,
        "endpoints": per_endpoint,
    })))
}
