//! `GET /api/health` and `GET /api/stats`.

use axum::extract::State;

use super::envelope::{ok, ApiResult};
use super::AppState;
use crate::store::endpoints::{status, EndpointFilter};

/// Health check.
pub async fn health() -> ApiResult {
    Ok(ok(
        serde_json::json!({ "status": "healthy", "version": env!("CARGO_PKG_VERSION") }),
    ))
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
    Ok(ok(serde_json::json!({
        "endpoints_total": endpoints.len(),
        "endpoints_running": running,
        "uptime_seconds": state.started.elapsed().as_secs(),
        "handlers": registry,
    })))
}
