//! `GET /api/health` and `GET /api/stats`.

use axum::extract::State;

use super::envelope::{ok, ApiResult};
use super::AppState;
use crate::store::endpoints::{status, EndpointFilter};

/// Health check (no token needed): up, the version, and how far the boot restore is
/// (`restore.done` false while endpoints are still being loaded or rebuilt). In a cluster,
/// `cluster` says whether the store answers and whether the node serves a cached state.
pub async fn health(State(state): State<AppState>) -> ApiResult {
    let mut body = serde_json::json!({
        "status": "healthy",
        "version": env!("CARGO_PKG_VERSION"),
        "restore": state.restore.snapshot(),
    });
    if let (Some(c), Some(o)) = (&state.cluster, body.as_object_mut()) {
        let mut cluster = c.health.snapshot();
        if let Some(m) = cluster.as_object_mut() {
            m.insert("node_id".into(), c.node.id.clone().into());
        }
        // `status` stays healthy: the node serves from memory whatever the store does, and
        // a load balancer probing this must not take every node out when PostgreSQL is down.
        if !c.health.store_reachable() {
            o.insert(
                "warnings".into(),
                serde_json::json!([
                    "config store unreachable: serving what this node has; writes answer 503"
                ]),
            );
        }
        o.insert("cluster".into(), cluster);
    }
    Ok(ok(body))
}

/// `GET /api/stats` query: `scope=cluster` sums the counters of every node that is up.
#[derive(Debug, Default, serde::Deserialize)]
pub struct StatsQuery {
    /// `node` (default) or `cluster`.
    pub scope: Option<String>,
}

/// This node's request counters: what its heartbeat carries, and what
/// `GET /api/stats?scope=cluster` adds up over the nodes.
pub fn counters(serving: &crate::serving::Serving) -> serde_json::Value {
    let metrics = serving.registry().metrics();
    let per_endpoint: Vec<serde_json::Value> = metrics
        .iter()
        .map(|(id, m)| {
            serde_json::json!({
                "id": id,
                "requests": m.requests,
                "client_errors": m.client_errors,
                "server_errors": m.server_errors,
            })
        })
        .collect();
    serde_json::json!({
        "requests_handled": metrics.iter().map(|(_, m)| m.requests).sum::<u64>(),
        "endpoints": per_endpoint,
    })
}

/// Gateway statistics: this node's; with `?scope=cluster` the request counters of every
/// node that is up, summed (`nodes_up` says over how many).
pub async fn stats(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<StatsQuery>,
) -> ApiResult {
    let endpoints = state
        .store
        .list_endpoints(&EndpointFilter::default())
        .await?;
    let running = endpoints
        .iter()
        .filter(|e| e.status == status::RUNNING)
        .count();
    match q.scope.as_deref() {
        None | Some("node") => {}
        Some("cluster") => {
            let (mut figures, up) = match &state.cluster {
                Some(c) => {
                    let nodes = crate::cluster::nodes::list(c.store()).await?;
                    let up = nodes.iter().filter(|n| n.state == "up").count();
                    (crate::cluster::nodes::sum_stats(&nodes), up)
                }
                None => (counters(&state.serving), 1),
            };
            if let Some(o) = figures.as_object_mut() {
                o.insert("scope".into(), "cluster".into());
                o.insert("nodes_up".into(), up.into());
                o.insert("endpoints_total".into(), endpoints.len().into());
                o.insert("endpoints_running".into(), running.into());
            }
            return Ok(ok(figures));
        }
        Some(other) => {
            return Err(super::envelope::ApiError::bad_request(format!(
                "scope must be node or cluster, not {other:?}"
            )))
        }
    }
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
