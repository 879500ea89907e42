//! Boot restore: every endpoint that was running before a restart (or a kill -9) serves
//! again, from its stored library when the ABI fingerprint still matches, recompiled
//! otherwise.

use rust_edge_gateway_sdk::abi::FINGERPRINT;

use crate::compiler::Compiler;
use crate::serving::Serving;
use crate::store::endpoints::{status, Endpoint, EndpointFilter};
use crate::store::Store;

async fn restore_one(
    store: &Store,
    compiler: &Compiler,
    serving: &Serving,
    mut ep: Endpoint,
) -> Result<(), String> {
    let reusable = ep.library_fingerprint.as_deref() == Some(FINGERPRINT)
        && ep
            .library_path
            .as_deref()
            .is_some_and(|p| std::path::Path::new(p).is_file());
    if !reusable {
        tracing::info!(endpoint = %ep.id, "stored library unusable (gateway changed or file missing); recompiling");
        let built = compiler
            .compile(&ep.id, &ep.code, &ep.dependencies)
            .await
            .map_err(|e| e.to_string())?;
        let lib = built.library.display().to_string();
        store
            .set_library(&ep.id, &lib, FINGERPRINT)
            .await
            .map_err(|e| e.to_string())?;
        ep.library_path = Some(lib);
    }
    let base = store
        .collection_base_path(ep.collection_id.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    serving
        .start(&ep, base.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Starts every endpoint whose status is `running`; returns how many serve again.
pub async fn restore(store: &Store, compiler: &Compiler, serving: &Serving) -> usize {
    let endpoints = match store.list_endpoints(&EndpointFilter::default()).await {
        Ok(e) => e,
        Err(e) => {
            tracing::error!("boot restore: {e}");
            return 0;
        }
    };
    let mut restored = 0;
    for ep in endpoints
        .into_iter()
        .filter(|e| e.status == status::RUNNING)
    {
        let id = ep.id.clone();
        match restore_one(store, compiler, serving, ep).await {
            Ok(()) => restored += 1,
            Err(msg) => {
                tracing::error!(endpoint = %id, "boot restore failed: {msg}");
                let _ = store
                    .set_status(
                        &id,
                        status::ERROR,
                        Some(&format!("restore after restart failed: {msg}")),
                    )
                    .await;
            }
        }
    }
    restored
}
