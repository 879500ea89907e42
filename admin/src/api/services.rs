//! `/api/services`: CRUD (secrets masked on every read) and endpoint bindings.
//!
//! `activate`, `deactivate` and `test` need the service actors, which are not part of this
//! build yet: they answer 501 saying so rather than pretending.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use super::envelope::{ok, ApiError, ApiResult};
use super::{body, AppState};
use crate::store::services::{Binding, NewService, ServiceUpdate, SERVICE_TYPES};

/// `GET /api/services`
pub async fn list(State(s): State<AppState>) -> ApiResult {
    Ok(ok(s.store.list_services().await?))
}

/// `POST /api/services`
pub async fn create(
    State(s): State<AppState>,
    b: Result<Json<NewService>, JsonRejection>,
) -> ApiResult {
    let n = body(b)?;
    if n.name.trim().is_empty() {
        return Err(ApiError::bad_request("name is required"));
    }
    if !SERVICE_TYPES.contains(&n.service_type.as_str()) {
        return Err(ApiError::bad_request(format!(
            "service_type must be one of {}",
            SERVICE_TYPES.join(", ")
        )));
    }
    if !n.config.is_object() {
        return Err(ApiError::bad_request("config must be a JSON object"));
    }
    Ok(ok(s.store.create_service(&n).await?))
}

/// `GET /api/services/{id}`
pub async fn get(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    Ok(ok(s
        .store
        .get_service(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("service", &id))?))
}

/// `PUT /api/services/{id}`: name, enabled, and config keys to change (merged).
pub async fn update(
    State(s): State<AppState>,
    Path(id): Path<String>,
    b: Result<Json<ServiceUpdate>, JsonRejection>,
) -> ApiResult {
    let u = body(b)?;
    if u.config.as_ref().is_some_and(|c| !c.is_object()) {
        return Err(ApiError::bad_request("config must be a JSON object"));
    }
    Ok(ok(s
        .store
        .update_service(&id, &u)
        .await?
        .ok_or_else(|| ApiError::not_found("service", &id))?))
}

/// `DELETE /api/services/{id}`
pub async fn delete(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    if !s.store.delete_service(&id).await? {
        return Err(ApiError::not_found("service", &id));
    }
    Ok(ok(serde_json::Value::Null))
}

/// `POST /api/services/{id}/activate|deactivate|test`
pub async fn actor_action(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    s.store
        .get_service(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("service", &id))?;
    Err(ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "service actors are not part of this gateway build yet; handlers calling services get 503",
    ))
}

/// `POST /api/endpoints/{id}/services` with `{service_id, pool_id}`
pub async fn bind(
    State(s): State<AppState>,
    Path(id): Path<String>,
    b: Result<Json<Binding>, JsonRejection>,
) -> ApiResult {
    let binding = body(b)?;
    s.store
        .get_endpoint(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("endpoint", &id))?;
    if s.store.get_service(&binding.service_id).await?.is_none() {
        return Err(ApiError::bad_request(format!(
            "service_id {} does not exist",
            binding.service_id
        )));
    }
    let valid = !binding.pool_id.is_empty()
        && binding.pool_id.len() <= 64
        && binding
            .pool_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid {
        return Err(ApiError::bad_request(
            "pool_id must be 1-64 characters of letters, digits, '-', '_' or '.'",
        ));
    }
    s.store.bind_service(&id, &binding).await?;
    Ok(ok(s.store.bindings(&id).await?))
}

/// `GET /api/endpoints/{id}/services`
pub async fn bindings(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    s.store
        .get_endpoint(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("endpoint", &id))?;
    Ok(ok(s.store.bindings(&id).await?))
}

/// `DELETE /api/endpoints/{endpoint_id}/services/{service_id}`
pub async fn unbind(
    State(s): State<AppState>,
    Path((id, service_id)): Path<(String, String)>,
) -> ApiResult {
    s.store
        .get_endpoint(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("endpoint", &id))?;
    if !s.store.unbind_service(&id, &service_id).await? {
        return Err(ApiError::not_found("binding", &service_id));
    }
    Ok(ok(serde_json::Value::Null))
}
