//! `/api/endpoints`: CRUD, start, stop, logs (compile is in `compile.rs`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use super::envelope::{ok, ApiError, ApiResult};
use super::{ApiJson, AppState};
use crate::compiler::validate_dependencies;
use crate::store::endpoints::{
    check_max_body, check_vars, merge_secrets, EndpointFilter, EndpointUpdate, NewEndpoint,
};

/// Code a new endpoint starts with: the Quick Start's hello handler.
pub const DEFAULT_CODE: &str = r#"use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Response {
    Response::ok(json!({
        "message": "Hello from Rust Edge Gateway!",
        "path": req.path,
        "method": req.method,
    }))
}
"#;

/// The endpoint with this id, or the API's 404.
pub(crate) async fn find(
    s: &AppState,
    id: &str,
) -> Result<crate::store::endpoints::Endpoint, ApiError> {
    s.store
        .get_endpoint(id)
        .await?
        .ok_or_else(|| ApiError::not_found("endpoint", id))
}

/// `GET /api/templates/handler`: the code a new endpoint starts with (the admin UI's
/// editor shows it before the endpoint exists).
pub async fn template() -> ApiResult {
    Ok(ok(serde_json::json!({ "code": DEFAULT_CODE })))
}

/// `GET /api/endpoints?domain=&collection_id=&enabled=`
pub async fn list(State(s): State<AppState>, Query(f): Query<EndpointFilter>) -> ApiResult {
    let mut endpoints = s.store.list_endpoints(&f).await?;
    for e in &mut endpoints {
        s.serving.annotate(e);
    }
    Ok(ok(endpoints))
}

/// `POST /api/endpoints`
pub async fn create(State(s): State<AppState>, ApiJson(b): ApiJson<NewEndpoint>) -> ApiResult {
    let e = b;
    crate::route::check_name(&e.name)?;
    crate::route::check(&e.method, &e.path, &e.domain)?;
    check_vars(
        &e.variables.clone().unwrap_or_default(),
        &e.secrets.clone().unwrap_or_default(),
    )
    .map_err(ApiError::bad_request)?;
    if let Some(n) = e.max_body_bytes {
        check_max_body(n).map_err(ApiError::bad_request)?;
    }
    if let Some(d) = &e.dependencies {
        validate_dependencies(d).map_err(ApiError::bad_request)?;
    }
    if let Some(c) = &e.collection_id {
        if s.store.get_collection(c).await?.is_none() {
            return Err(ApiError::bad_request(format!(
                "collection_id {c} does not exist"
            )));
        }
    }
    let created = s.store.create_endpoint(&e, DEFAULT_CODE).await?;
    crate::lifecycle::publish_vars(&created);
    Ok(ok(created))
}

/// `GET /api/endpoints/{id}`
pub async fn get(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let mut e = find(&s, &id).await?;
    s.serving.annotate(&mut e);
    Ok(ok(e))
}

/// `PUT /api/endpoints/{id}` with any subset of the fields. A serving endpoint whose route
/// (path, method, domain, collection) or `max_body_bytes` changes is re-routed at once.
pub async fn update(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<EndpointUpdate>,
) -> ApiResult {
    let u = b;
    let cur = find(&s, &id).await?;
    if let Some(name) = &u.name {
        crate::route::check_name(name)?;
    }
    crate::route::check(
        u.method.as_deref().unwrap_or(&cur.method),
        u.path.as_deref().unwrap_or(&cur.path),
        u.domain.as_deref().unwrap_or(&cur.domain),
    )?;
    if let Some(d) = &u.dependencies {
        validate_dependencies(d).map_err(ApiError::bad_request)?;
    }
    if let Some(n) = u.max_body_bytes {
        check_max_body(n).map_err(ApiError::bad_request)?;
    }
    check_vars(
        u.variables.as_ref().unwrap_or(&cur.variables),
        &u.secrets
            .as_ref()
            .map_or(cur.secrets.clone(), |new| merge_secrets(&cur.secrets, new)),
    )
    .map_err(ApiError::bad_request)?;
    if let Some(Some(c)) = &u.collection_id {
        if s.store.get_collection(c).await?.is_none() {
            return Err(ApiError::bad_request(format!(
                "collection_id {c} does not exist"
            )));
        }
    }
    let updated = s
        .store
        .update_endpoint(&id, &u)
        .await?
        .ok_or_else(|| ApiError::not_found("endpoint", &id))?;
    // New variables and secrets apply to the next request: no recompile, no swap.
    crate::lifecycle::publish_vars(&updated);
    let moved = (
        &updated.path,
        &updated.method,
        &updated.domain,
        &updated.collection_id,
    ) != (&cur.path, &cur.method, &cur.domain, &cur.collection_id)
        || updated.max_body_bytes != cur.max_body_bytes;
    if moved {
        // A serving endpoint follows its new route at once (its deployed version, re-routed);
        // a route another endpoint holds puts the old one back.
        if let Err(err) = s.lifecycle.reroute(&updated).await {
            let back = EndpointUpdate {
                path: Some(cur.path.clone()),
                method: Some(cur.method.clone()),
                domain: Some(cur.domain.clone()),
                collection_id: Some(cur.collection_id.clone()),
                max_body_bytes: Some(cur.max_body_bytes),
                ..Default::default()
            };
            s.store.update_endpoint(&id, &back).await?;
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("the new route cannot be served; the route change was undone: {err}"),
            ));
        }
    }
    Ok(ok(updated))
}

/// `DELETE /api/endpoints/{id}`: stops serving (draining) and deletes, with its crate,
/// build artifacts, logs and libraries.
pub async fn delete(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let e = find(&s, &id).await?;
    if !s.store.delete_endpoint(&id).await? {
        return Err(ApiError::not_found("endpoint", &id));
    }
    s.lifecycle.forget(&[(e.id, e.scope)]).await;
    Ok(ok(serde_json::Value::Null))
}

/// `POST /api/endpoints/{id}/start`: deploys the draft's last successful build (a hot swap
/// with draining when the endpoint already serves); 409 when the draft changed since.
pub async fn start(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let swap = s.lifecycle.start(&id).await?;
    let e = find(&s, &id).await?;
    Ok(ok(serde_json::json!({
        "status": "running",
        "pid": std::process::id(),
        "version": e.deployed.as_ref().map(|d| d.version),
        "swapped": swap.swapped,
        "old_requests_pending": swap.old_requests_pending,
        "draining": swap.draining,
    })))
}

/// `POST /api/endpoints/{id}/stop`: stops serving; requests in flight finish.
pub async fn stop(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let swap = s.lifecycle.stop(&id).await?;
    Ok(ok(
        serde_json::json!({ "status": "stopped", "old_requests_pending": swap.old_requests_pending }),
    ))
}

/// `GET /api/endpoints/{id}/deployed`: the deployed version's code and dependencies (what
/// serves and what a restart serves), or `null` when nothing was deployed.
pub async fn deployed(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let e = find(&s, &id).await?;
    Ok(ok(e.deployed.map(|d| {
        serde_json::json!({
            "version": d.version,
            "built_at": d.built_at,
            "deployed_at": d.deployed_at,
            "code": d.code,
            "dependencies": d.dependencies,
        })
    })))
}

/// `GET /api/endpoints/{id}/logs`: what the handler printed and its panics, oldest first.
pub async fn logs(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let e = find(&s, &id).await?;
    Ok(ok(s.logs.lines(u64::try_from(e.scope).unwrap_or(0))))
}
