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

/// HSTS max-age: RFC 6797 §6.1.1 allows any non-negative integer (0 tells browsers to
/// forget the domain); two years is the usual ceiling and preload lists ask for one.
const HSTS_MAX: i64 = 10 * 365 * 24 * 3600;

fn check_hsts(max_age: Option<i64>) -> Result<(), ApiError> {
    match max_age {
        Some(s) if !(0..=HSTS_MAX).contains(&s) => Err(ApiError::bad_request(format!(
            "hsts_max_age must be between 0 and {HSTS_MAX} seconds (or null for no header)"
        ))),
        _ => Ok(()),
    }
}

/// Sends every domain's HTTPS redirect and HSTS setting to the dataplane.
pub async fn publish(s: &AppState) -> Result<(), ApiError> {
    s.serving.publish_domains(&s.store.list_domains().await?);
    Ok(())
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
    check_hsts(d.hsts_max_age)?;
    let created = s.store.create_domain(&d).await?;
    publish(&s).await?;
    Ok(ok(created))
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
    check_hsts(u.hsts_max_age.flatten())?;
    let updated = s
        .store
        .update_domain(&id, &u)
        .await?
        .ok_or_else(|| ApiError::not_found("domain", &id))?;
    publish(&s).await?;
    Ok(ok(updated))
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
    publish(&s).await?;
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
