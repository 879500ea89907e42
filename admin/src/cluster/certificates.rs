//! Certificates in a cluster: uploaded through any node, kept in the store with their key
//! sealed by the cluster's `--secret-key-file`, and served by every node (each keeps a copy
//! in its data dir, which is also what it serves when it starts without the store).

use std::sync::Arc;

use sqlx::Row;

use super::sealing::SecretKey;
use crate::certificates::{CertError, CertInfo, Certificates, Source};
use crate::store::{Store, StoreError};

/// Why a cluster certificate change did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ClusterCertError {
    /// No `--secret-key-file`: keys cannot go into the shared store.
    #[error("cluster mode keeps certificate keys in the shared store, sealed with the cluster's key: start every node with the same --secret-key-file (REG_SECRET_KEY_FILE)")]
    NoKey,
    /// The certificate is refused.
    #[error(transparent)]
    Cert(#[from] CertError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Sealing failed.
    #[error(transparent)]
    Seal(#[from] super::sealing::SealError),
}

/// Adds a certificate: checked, written to the store for the others, then served here (a
/// reconcile in between finds it in the store).
pub async fn add(
    store: &Store,
    key: Option<&SecretKey>,
    certs: &Arc<Certificates>,
    cert_pem: &str,
    key_pem: &str,
) -> Result<CertInfo, ClusterCertError> {
    let key = key.ok_or(ClusterCertError::NoKey)?;
    let checked = crate::certificates::parse(cert_pem, key_pem, Source::Api)?;
    put(store, key, &checked.id, cert_pem, key_pem).await?;
    Ok(certs.add(cert_pem, key_pem)?)
}

async fn put(
    store: &Store,
    key: &SecretKey,
    id: &str,
    cert_pem: &str,
    key_pem: &str,
) -> Result<(), ClusterCertError> {
    let sealed = key.seal(key_pem.as_bytes())?;
    sqlx::query(
        "INSERT INTO certificates (id, cert_pem, key_sealed, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET cert_pem = excluded.cert_pem, key_sealed = excluded.key_sealed",
    )
    .bind(id)
    .bind(cert_pem)
    .bind(&sealed)
    .bind(crate::store::now())
    .execute(store.pool())
    .await
    .map_err(StoreError::from)?;
    Ok(())
}

/// Deletes a certificate from the store, then here; whether it existed.
pub async fn delete(
    store: &Store,
    certs: &Arc<Certificates>,
    id: &str,
) -> Result<bool, ClusterCertError> {
    let r = sqlx::query("DELETE FROM certificates WHERE id = $1")
        .bind(id)
        .execute(store.pool())
        .await
        .map_err(StoreError::from)?;
    let here = certs.delete(id)?;
    Ok(r.rows_affected() > 0 || here)
}

/// Makes this node's API certificates those of the store: new ones are opened and served,
/// deleted ones stop. With `adopt` (a node joining a cluster for the first time), its own
/// API certificates the store lacks are written there instead of dropped. Returns how many
/// changed.
pub async fn reconcile(
    store: &Store,
    key: Option<&SecretKey>,
    certs: &Arc<Certificates>,
    adopt: bool,
) -> Result<usize, StoreError> {
    let rows = sqlx::query("SELECT id, cert_pem, key_sealed FROM certificates")
        .fetch_all(store.pool())
        .await?;
    let Some(key) = key else {
        // Without the key this node neither serves the store's certificates nor drops its own.
        if !rows.is_empty() {
            tracing::warn!(
                count = rows.len(),
                "the store's certificates are not served here: this node has no --secret-key-file"
            );
        }
        return Ok(0);
    };
    let here: Vec<String> = certs
        .list()
        .into_iter()
        .filter(|c| c.source == Source::Api)
        .map(|c| c.id)
        .collect();
    let mut changed = 0;
    let mut stored = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get("id")?;
        stored.push(id.clone());
        if here.contains(&id) {
            continue;
        }
        let cert_pem: String = r.try_get("cert_pem")?;
        let sealed: String = r.try_get("key_sealed")?;
        let opened = key
            .open(&sealed)
            .map_err(|e| e.to_string())
            .and_then(|k| String::from_utf8(k).map_err(|e| e.to_string()));
        match opened.and_then(|k| certs.add(&cert_pem, &k).map_err(|e| e.to_string())) {
            Ok(c) => {
                tracing::info!(id = %c.id, names = ?c.names, "certificate added through another node");
                changed += 1;
            }
            Err(e) => tracing::error!(%id, "certificate from the store not served: {e}"),
        }
    }
    for id in here.iter().filter(|id| !stored.contains(id)) {
        if adopt {
            if let Some((cert_pem, key_pem)) = certs.pem_pair(id) {
                match put(store, key, id, &cert_pem, &key_pem).await {
                    Ok(()) => {
                        tracing::info!(%id, "this node's certificate written to the cluster's store")
                    }
                    Err(ClusterCertError::Store(e)) => return Err(e),
                    Err(e) => tracing::error!(%id, "certificate not shared: {e}"),
                }
                continue;
            }
        }
        match certs.delete(id) {
            Ok(true) => {
                tracing::info!(%id, "certificate deleted through another node");
                changed += 1;
            }
            Ok(false) => {}
            Err(e) => tracing::error!(%id, "{e}"),
        }
    }
    Ok(changed)
}
