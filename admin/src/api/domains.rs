//! `/api/domains`: CRUD and a domain's collections.

use axum::extract::{Path, State};

use super::envelope::{ok, ApiError, ApiResult};
use super::{ApiJson, AppState};
use crate::store::domains::{DomainUpdate, NewDomain};

fn check_host(host: &str) -> Result<(), ApiError> {
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '*'));
    if valid {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "host must be a hostname such as api.example.com, *.example.com or *",
        ))
    }
}

/// `GET /api/domains`
pub async fn list(State(s): State<AppState>) -> ApiResult {
    Ok(ok(s.store.list_domains().await?))
}

/// `POST /api/domains`
pub async fn create(State(s): State<AppState>, ApiJson(b): ApiJson<NewDomain>) -> ApiResult {
    let d = b;
    if d.name.trim().is_empty() {
        return Err(ApiError::bad_request("name is required"));
    }
    check_host(&d.host)?;
    Ok(ok(s.store.create_domain(&d).await?))
}

/// `GET /api/domains/{id}`
pub async fn get(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    Ok(ok(s
        .store
        .get_domain(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("domain", &id))?))
}

/// `PUT /api/domains/{id}` with any subset of the fields.
pub async fn update(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DomainUpdate>,
) -> ApiResult {
    let u = b;
    if let Some(h) = &u.host {
        check_host(h)?;
    }
    Ok(ok(s
        .store
        .update_domain(&id, &u)
        .await?
        .ok_or_else(|| ApiError::not_found("domain", &id))?))
}

/// `DELETE /api/domains/{id}`: also deletes (and unloads) its collections and endpoints.
pub async fn delete(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let d = s
        .store
        .get_domain(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("domain", &id))?;
    let ids = s.store.domain_endpoint_ids(&d).await?;
    s.store.delete_domain(&d).await?;
    s.lifecycle.forget(&ids).await;
    Ok(ok(serde_json::Value::Null))
}

/// `GET /api/domains/{id}/collections`
pub async fn collections(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    s.store
        .get_domain(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("domain", &id))?;
    Ok(ok(s.store.list_collections(Some(&id)).await?))
}
