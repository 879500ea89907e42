//! `/api/certificates`: TLS certificates for the dataplane's HTTPS listener. Keys go in
//! and are never answered; what comes back is the id, names, validity, fingerprint,
//! serial and source.

use axum::extract::{Path, State};
use serde::Deserialize;

use super::envelope::{ok, ApiError, ApiResult};
use super::{ApiJson, AppState};
use crate::certificates::CertError;

/// `POST /api/certificates` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCertificate {
    /// The chain, leaf first, PEM.
    pub cert_pem: String,
    /// The leaf's private key, PEM.
    pub key_pem: String,
}

impl From<CertError> for ApiError {
    fn from(e: CertError) -> Self {
        match e {
            CertError::Io(e) => ApiError::internal(e),
            other => ApiError::bad_request(other.to_string()),
        }
    }
}

/// `GET /api/certificates`
pub async fn list(State(s): State<AppState>) -> ApiResult {
    Ok(ok(s.certificates.list()))
}

impl From<crate::cluster::certificates::ClusterCertError> for ApiError {
    fn from(e: crate::cluster::certificates::ClusterCertError) -> Self {
        use crate::cluster::certificates::ClusterCertError as E;
        match e {
            E::Cert(c) => c.into(),
            E::Store(s) => s.into(),
            E::NoKey => ApiError::bad_request(E::NoKey.to_string()),
            E::Seal(e) => ApiError::internal(e),
        }
    }
}

/// `POST /api/certificates`: serves at once for new handshakes (in a cluster, on every
/// node: the key goes into the store sealed with the cluster's key).
pub async fn create(State(s): State<AppState>, ApiJson(b): ApiJson<NewCertificate>) -> ApiResult {
    if let Some(c) = &s.cluster {
        let added = crate::cluster::certificates::add(
            c.store(),
            c.secret_key(),
            &s.certificates,
            &b.cert_pem,
            &b.key_pem,
        )
        .await?;
        return Ok(ok(added));
    }
    let certs = std::sync::Arc::clone(&s.certificates);
    let added = tokio::task::spawn_blocking(move || certs.add(&b.cert_pem, &b.key_pem))
        .await
        .map_err(ApiError::internal)??;
    Ok(ok(added))
}

/// `GET /api/certificates/{id}`
pub async fn get(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    Ok(ok(s
        .certificates
        .get(&id)
        .ok_or_else(|| ApiError::not_found("certificate", &id))?))
}

/// `DELETE /api/certificates/{id}` (API certificates; files leave with their files).
pub async fn delete(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let deleted = match &s.cluster {
        Some(c) => crate::cluster::certificates::delete(c.store(), &s.certificates, &id).await?,
        None => s.certificates.delete(&id)?,
    };
    if deleted {
        Ok(ok(serde_json::json!({ "deleted": id })))
    } else {
        Err(ApiError::not_found("certificate", &id))
    }
}
