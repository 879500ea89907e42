//! `/api/minio/objects`: the built-in object routes of an active MinIO service (list with a
//! prefix, multipart upload, download with a Content-Type from the extension, delete).
//! They talk to the service's actor like handlers do. Success bodies have the documented
//! shapes; errors use the API envelope. With several active MinIO services, `?service=`
//! (name or id) picks one.

use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rust_edge_gateway_sdk::abi::host::{FaultKind, ServiceOp, ServiceValue};
use rust_edge_gateway_services::check_object_key;
use serde::Deserialize;
use serde_json::json;

use super::envelope::{ApiError, ApiResult};
use super::AppState;

/// Query of every MinIO route.
#[derive(Debug, Default, Deserialize)]
pub struct MinioQuery {
    /// Service name or id (needed only with several active MinIO services).
    pub service: Option<String>,
    /// Key prefix (list only).
    pub prefix: Option<String>,
}

/// Largest upload through this route.
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

async fn pick(s: &AppState, wanted: Option<&str>) -> Result<(String, String), ApiError> {
    let active: Vec<_> = s
        .store
        .list_services()
        .await?
        .into_iter()
        .filter(|v| v.service_type == "minio" && s.services.is_active(&v.id))
        .collect();
    let bucket = |v: &crate::store::services::Service| {
        v.config["bucket"].as_str().unwrap_or_default().to_string()
    };
    match wanted {
        Some(w) => active
            .iter()
            .find(|v| v.id == w || v.name == w)
            .map(|v| (v.id.clone(), bucket(v)))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("no active MinIO service named '{w}'"),
                )
            }),
        None => match active.as_slice() {
            [one] => Ok((one.id.clone(), bucket(one))),
            [] => Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "no MinIO service is active (POST /api/services/{id}/activate)",
            )),
            _ => Err(ApiError::bad_request(
                "several MinIO services are active; choose one with ?service=<name>",
            )),
        },
    }
}

fn fault_error(f: rust_edge_gateway_sdk::abi::host::ServiceFault) -> ApiError {
    let status = match f.kind {
        FaultKind::Invalid => StatusCode::BAD_REQUEST,
        FaultKind::NotFound => StatusCode::NOT_FOUND,
        FaultKind::Unavailable | FaultKind::Timeout => StatusCode::SERVICE_UNAVAILABLE,
        FaultKind::ServiceNotFound | FaultKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        FaultKind::Backend => StatusCode::BAD_GATEWAY,
    };
    ApiError::new(status, f.message)
}

fn valid_key(key: &str) -> Result<(), ApiError> {
    check_object_key(key).map_err(ApiError::bad_request)
}

/// `GET /api/minio/objects?prefix=`
pub async fn list(State(s): State<AppState>, Query(q): Query<MinioQuery>) -> ApiResult {
    let (id, bucket) = pick(&s, q.service.as_deref()).await?;
    let prefix = q.prefix.unwrap_or_default();
    match s
        .services
        .call(
            &id,
            ServiceOp::ObjectList {
                prefix: prefix.clone(),
            },
        )
        .await
        .map_err(fault_error)?
    {
        ServiceValue::Objects(objects) => {
            let objects: Vec<_> = objects
                .into_iter()
                .map(|o| json!({"key": o.key, "size": o.size, "last_modified": o.last_modified}))
                .collect();
            Ok(
                Json(json!({"bucket": bucket, "prefix": prefix, "objects": objects}))
                    .into_response(),
            )
        }
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}

/// `POST /api/minio/objects` (multipart: `file`, optional `key`; the key defaults to the
/// file name).
pub async fn upload(
    State(s): State<AppState>,
    Query(q): Query<MinioQuery>,
    mut mp: Multipart,
) -> ApiResult {
    let (id, bucket) = pick(&s, q.service.as_deref()).await?;
    let mut key = None;
    let mut file: Option<(Option<String>, Option<String>, Vec<u8>)> = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request(format!("invalid multipart body: {e}")))?
    {
        match field.name() {
            Some("key") => {
                key = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| ApiError::bad_request(e.to_string()))?,
                )
            }
            Some("file") => {
                let name = field.file_name().map(str::to_string);
                let ct = field.content_type().map(str::to_string);
                let data = field
                    .bytes()
                    .await
                    .map_err(|e| ApiError::bad_request(e.to_string()))?;
                file = Some((name, ct, data.to_vec()));
            }
            _ => {}
        }
    }
    let (name, content_type, data) =
        file.ok_or_else(|| ApiError::bad_request("multipart field 'file' is required"))?;
    let key = key
        .filter(|k| !k.is_empty())
        .or(name)
        .ok_or_else(|| ApiError::bad_request("give a 'key' field or a file name"))?;
    valid_key(&key)?;
    let size = data.len();
    let content_type = content_type.filter(|c| c != "application/octet-stream");
    s.services
        .call(
            &id,
            ServiceOp::ObjectPut {
                key: key.clone(),
                data,
                content_type,
            },
        )
        .await
        .map_err(fault_error)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"key": key, "bucket": bucket, "size": size, "message": "Upload successful"})),
    )
        .into_response())
}

/// `GET /api/minio/objects/{key}`
pub async fn download(
    State(s): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<MinioQuery>,
) -> Result<Response, ApiError> {
    valid_key(&key)?;
    let (id, _) = pick(&s, q.service.as_deref()).await?;
    match s
        .services
        .call(&id, ServiceOp::ObjectGet { key: key.clone() })
        .await
        .map_err(fault_error)?
    {
        ServiceValue::Bytes(data) => {
            let ct = mime_guess::from_path(&key)
                .first_or_octet_stream()
                .essence_str()
                .to_string();
            // Served from the admin origin: never rendered there (an uploaded .html must not
            // run script on the admin site).
            let name = key
                .rsplit('/')
                .next()
                .unwrap_or("download")
                .replace('"', "");
            Ok((
                [
                    (header::CONTENT_TYPE, ct),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
                ],
                Body::from(data),
            )
                .into_response())
        }
        _ => Err(ApiError::not_found("object", &key)),
    }
}

/// `DELETE /api/minio/objects/{key}`
pub async fn delete(
    State(s): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<MinioQuery>,
) -> ApiResult {
    valid_key(&key)?;
    let (id, bucket) = pick(&s, q.service.as_deref()).await?;
    s.services
        .call(&id, ServiceOp::ObjectDelete { key: key.clone() })
        .await
        .map_err(fault_error)?;
    Ok(Json(json!({"key": key, "bucket": bucket, "deleted": true})).into_response())
}
