//! `/api/collections`: CRUD and a collection's endpoints.

use axum::extract::{Path, Query, State};
use serde::Deserialize;

use super::envelope::{ok, ApiError, ApiResult};
use super::{ApiJson, AppState};
use crate::store::collections::{CollectionUpdate, NewCollection};
use crate::store::endpoints::{status, EndpointFilter};

/// `?domain_id=`
#[derive(Debug, Deserialize)]
pub struct ByDomain {
    /// Parent domain.
    pub domain_id: Option<String>,
}

fn check_base_path(p: &Option<String>) -> Result<(), ApiError> {
    match p {
        Some(p) => Ok(crate::route::check_base_path(p)?),
        None => Ok(()),
    }
}

/// `GET /api/collections?domain_id=`
pub async fn list(State(s): State<AppState>, Query(q): Query<ByDomain>) -> ApiResult {
    Ok(ok(s.store.list_collections(q.domain_id.as_deref()).await?))
}

/// `POST /api/collections`
pub async fn create(State(s): State<AppState>, ApiJson(b): ApiJson<NewCollection>) -> ApiResult {
    let c = b;
    if c.name.trim().is_empty() {
        return Err(ApiError::bad_request("name is required"));
    }
    if s.store.get_domain(&c.domain_id).await?.is_none() {
        return Err(ApiError::bad_request(format!(
            "domain_id {} does not exist",
            c.domain_id
        )));
    }
    check_base_path(&c.base_path)?;
    Ok(ok(s.store.create_collection(&c).await?))
}

/// `GET /api/collections/{id}`
pub async fn get(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    Ok(ok(s
        .store
        .get_collection(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("collection", &id))?))
}

/// `PUT /api/collections/{id}`: a new `base_path` moves the routes of its running endpoints.
pub async fn update(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CollectionUpdate>,
) -> ApiResult {
    let u = b;
    check_base_path(&u.base_path.clone().flatten())?;
    let c = s
        .store
        .update_collection(&id, &u)
        .await?
        .ok_or_else(|| ApiError::not_found("collection", &id))?;
    if u.base_path.is_some() {
        let filter = EndpointFilter {
            collection_id: Some(id.clone()),
            ..Default::default()
        };
        for ep in s
            .store
            .list_endpoints(&filter)
            .await?
            .into_iter()
            .filter(|e| e.status == status::RUNNING)
        {
            if let Err(e) = s.lifecycle.reroute(&ep).await {
                tracing::error!(endpoint = %ep.id, "re-routing after a base_path change failed: {e}");
            }
        }
    }
    Ok(ok(c))
}

/// `DELETE /api/collections/{id}`: also deletes (and unloads) its endpoints.
pub async fn delete(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let ids = s.store.collection_endpoint_ids(&id).await?;
    if !s.store.delete_collection(&id).await? {
        return Err(ApiError::not_found("collection", &id));
    }
    s.lifecycle.forget(&ids).await;
    Ok(ok(serde_json::Value::Null))
}

/// `GET /api/collections/{id}/endpoints`
pub async fn endpoints(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    s.store
        .get_collection(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("collection", &id))?;
    let filter = EndpointFilter {
        collection_id: Some(id),
        ..Default::default()
    };
    let list: Vec<serde_json::Value> = s
        .store
        .list_endpoints(&filter)
        .await?
        .into_iter()
        .map(|e| {
            serde_json::json!({
                "id": e.id, "name": e.name, "path": e.path, "method": e.method, "domain": e.domain,
                "collection_id": e.collection_id, "description": e.description, "enabled": e.enabled,
            })
        })
        .collect();
    Ok(ok(list))
}
