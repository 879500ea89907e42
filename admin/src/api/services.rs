//! `/api/services`: CRUD (secrets masked on every read), activate / deactivate / test of the
//! service actors, and endpoint bindings.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::envelope::{ok, ApiError, ApiResult};
use super::{ApiJson, AppState};
use crate::actors;
use crate::store::services::{Binding, NewService, ServiceUpdate, SERVICE_TYPES};
use rust_edge_gateway_services::ServiceConfig;
use serde_json::json;

fn check_config(service_type: &str, config: &serde_json::Value) -> Result<(), ApiError> {
    ServiceConfig::parse(service_type, config)
        .map(drop)
        .map_err(|e| ApiError::bad_request(e.to_string()))
}

/// `GET /api/services`
pub async fn list(State(s): State<AppState>) -> ApiResult {
    Ok(ok(s.store.list_services().await?))
}

/// `POST /api/services`
pub async fn create(State(s): State<AppState>, ApiJson(b): ApiJson<NewService>) -> ApiResult {
    let n = b;
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
    check_config(&n.service_type, &n.config)?;
    let created = s.store.create_service(&n).await?;
    s.services
        .define(&created.id, &created.name, &created.service_type);
    Ok(ok(created))
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
    ApiJson(b): ApiJson<ServiceUpdate>,
) -> ApiResult {
    let u = b;
    if u.config.as_ref().is_some_and(|c| !c.is_object()) {
        return Err(ApiError::bad_request("config must be a JSON object"));
    }
    let _turn = s.service_locks.lock(&id).await;
    let cur = s
        .store
        .service_with_secrets(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("service", &id))?;
    if let Some(c) = &u.config {
        let merged =
            crate::store::services::merge_config(&cur.config, c).map_err(ApiError::bad_request)?;
        check_config(&cur.service_type, &merged)?;
    }
    let updated = s
        .store
        .update_service(&id, &u)
        .await?
        .ok_or_else(|| ApiError::not_found("service", &id))?;
    s.services
        .define(&updated.id, &updated.name, &updated.service_type);
    if s.services.is_active(&id) && !updated.enabled {
        // Disabled: stop serving it.
        s.services.deactivate(&id).await;
        s.store.set_service_active(&id, false).await?;
    } else if s.services.is_active(&id) {
        // The running actor keeps the old settings until it is replaced: restart it with
        // the new ones (queued calls finish on the old client first).
        if let Some(full) = s.store.service_with_secrets(&id).await? {
            match s.services.activate(&actors::def(&full), false).await {
                Ok(()) => {
                    if let Some(c) = &s.cluster {
                        c.service_started_here(&full);
                    }
                }
                Err(e) => {
                    tracing::warn!(service = %id, error = %e, "restart with new settings failed")
                }
            }
        }
    }
    Ok(ok(s
        .store
        .get_service(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("service", &id))?))
}

/// `DELETE /api/services/{id}`
pub async fn delete(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let _turn = s.service_locks.lock(&id).await;
    if !s.store.delete_service(&id).await? {
        return Err(ApiError::not_found("service", &id));
    }
    s.services.forget(&id).await;
    Ok(ok(serde_json::Value::Null))
}

/// `GET /api/services/{id}/endpoints`: the endpoints bound to the service, with pool ids.
pub async fn users(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    if s.store.get_service(&id).await?.is_none() {
        return Err(ApiError::not_found("service", &id));
    }
    Ok(ok(s.store.service_users(&id).await?))
}

async fn full_service(s: &AppState, id: &str) -> Result<crate::store::services::Service, ApiError> {
    s.store
        .service_with_secrets(id)
        .await?
        .ok_or_else(|| ApiError::not_found("service", id))
}

/// `POST /api/services/{id}/activate`: starts the actor once the backend answers.
pub async fn activate(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let _turn = s.service_locks.lock(&id).await;
    let svc = full_service(&s, &id).await?;
    if !svc.enabled {
        return Err(ApiError::bad_request(
            "the service is disabled (enabled: false)",
        ));
    }
    if let Err(e) = s.services.activate(&actors::def(&svc), true).await {
        let status = match e {
            rust_edge_gateway_services::ServiceError::Connect(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        return Err(ApiError::new(
            status,
            format!("service '{}' not activated: {e}", svc.name),
        ));
    }
    s.store.set_service_active(&id, true).await?;
    if let Some(c) = &s.cluster {
        c.service_started_here(&svc);
    }
    Ok(ok(json!({
        "id": svc.id,
        "name": svc.name,
        "service_type": svc.service_type,
        "active": true,
        "message": "Service activated",
    })))
}

/// `POST /api/services/{id}/deactivate`: new calls get 503; queued and in-flight operations
/// finish before the actor stops.
pub async fn deactivate(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let _turn = s.service_locks.lock(&id).await;
    let svc = full_service(&s, &id).await?;
    s.services.deactivate(&id).await;
    s.store.set_service_active(&id, false).await?;
    Ok(ok(json!({
        "id": svc.id,
        "name": svc.name,
        "service_type": svc.service_type,
        "active": false,
        "message": "Service deactivated",
    })))
}

/// `POST /api/services/{id}/test`: a fresh connection to the backend, whether or not the
/// service is active.
pub async fn test(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let svc = full_service(&s, &id).await?;
    Ok(ok(s.services.test(&actors::def(&svc)).await))
}

/// A configuration to try before it is saved.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftTest {
    /// `postgres`, `redis`, ...
    pub service_type: String,
    /// The settings as the form has them.
    pub config: serde_json::Value,
    /// When editing: the stored service, whose secrets fill masked fields.
    #[serde(default)]
    pub id: Option<String>,
}

/// `POST /api/services/test` with `{service_type, config, id?}`: connects with a
/// configuration that is not saved (the form's "Test connection"); nothing is stored and no
/// actor starts. Answers like `/services/{id}/test`.
pub async fn test_draft(State(s): State<AppState>, ApiJson(b): ApiJson<DraftTest>) -> ApiResult {
    let d = b;
    if !SERVICE_TYPES.contains(&d.service_type.as_str()) {
        return Err(ApiError::bad_request(format!(
            "service_type must be one of {}",
            SERVICE_TYPES.join(", ")
        )));
    }
    let config = match &d.id {
        Some(id) => {
            let stored = full_service(&s, id).await?;
            if stored.service_type != d.service_type {
                return Err(ApiError::bad_request(format!(
                    "service {id} is a {} service, not {}",
                    stored.service_type, d.service_type
                )));
            }
            crate::store::services::merge_config(&stored.config, &d.config)
                .map_err(ApiError::bad_request)?
        }
        None => d.config,
    };
    check_config(&d.service_type, &config)?;
    let def = rust_edge_gateway_services::ServiceDef {
        id: String::new(),
        name: String::new(),
        service_type: d.service_type,
        config,
    };
    Ok(ok(s.services.test(&def).await))
}

/// `POST /api/endpoints/{id}/services` with `{service_id, pool_id}`
pub async fn bind(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Binding>,
) -> ApiResult {
    let binding = b;
    super::endpoints::find(&s, &id).await?;
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
    refresh(&s, &id).await?;
    Ok(ok(s.store.bindings(&id).await?))
}

/// `GET /api/endpoints/{id}/services`
pub async fn bindings(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    super::endpoints::find(&s, &id).await?;
    Ok(ok(s.store.bindings(&id).await?))
}

/// `DELETE /api/endpoints/{endpoint_id}/services/{service_id}`
pub async fn unbind(
    State(s): State<AppState>,
    Path((id, service_id)): Path<(String, String)>,
) -> ApiResult {
    super::endpoints::find(&s, &id).await?;
    if !s.store.unbind_service(&id, &service_id).await? {
        return Err(ApiError::not_found("binding", &service_id));
    }
    refresh(&s, &id).await?;
    Ok(ok(serde_json::Value::Null))
}

async fn refresh(s: &AppState, endpoint_id: &str) -> Result<(), ApiError> {
    let scope = s.store.get_endpoint(endpoint_id).await?.map(|e| e.scope);
    actors::refresh_bindings(&s.store, &s.services, Some(endpoint_id), scope).await?;
    Ok(())
}
