//! Quarantines reach every node: one a node's watchdog makes is written to the store, the
//! others hold it too (503 at once with the reason, naming the node); a deploy or start
//! through any node deletes it, and every node lifts it.

use std::collections::HashSet;

use rust_edge_gateway_dataplane::quarantine::Quarantine;
use sqlx::Row;

use crate::store::{Store, StoreError};

/// The quarantines this node has in common with the store: (scope, since) of each one it
/// wrote or took from there.
#[derive(Debug, Default)]
pub struct QuarantineSync {
    shared: tokio::sync::Mutex<HashSet<(u64, u64)>>,
}

impl QuarantineSync {
    /// Writes this node's new quarantines to the store, holds the store's, and lifts those
    /// the store no longer has (lifted through another node). Returns how many changed here.
    pub async fn reconcile(
        &self,
        store: &Store,
        quarantine: &Quarantine,
        node_id: &str,
        endpoint_of: impl Fn(u64) -> Option<String>,
    ) -> Result<usize, StoreError> {
        let mut shared = self.shared.lock().await;
        for (scope, q) in quarantine.entries() {
            if shared.contains(&(scope, q.since_ms)) {
                continue;
            }
            let Some(endpoint) = endpoint_of(scope) else {
                continue;
            };
            sqlx::query(
                "INSERT INTO quarantines (scope, endpoint_id, reason, node_id, since_ms) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope) DO NOTHING",
            )
            .bind(i64::try_from(scope).unwrap_or(i64::MAX))
            .bind(&endpoint)
            .bind(&q.reason)
            .bind(node_id)
            .bind(i64::try_from(q.since_ms).unwrap_or(i64::MAX))
            .execute(store.pool())
            .await?;
            shared.insert((scope, q.since_ms));
            tracing::warn!(%endpoint, "quarantine written to the store: every node holds it");
        }
        let rows = sqlx::query("SELECT scope, reason, node_id, since_ms FROM quarantines")
            .fetch_all(store.pool())
            .await?;
        let mut changed = 0;
        let mut stored = HashSet::new();
        for r in &rows {
            let scope = u64::try_from(r.try_get::<i64, _>("scope")?).unwrap_or(0);
            let since = u64::try_from(r.try_get::<i64, _>("since_ms")?).unwrap_or(0);
            stored.insert(scope);
            let node: String = r.try_get("node_id")?;
            let reason: String = r.try_get("reason")?;
            let here = if node == node_id {
                reason
            } else {
                format!("{reason} (quarantined by node {node})")
            };
            if quarantine.hold(scope, here, since) {
                changed += 1;
            }
            if let Some((_, q)) = quarantine.entries().into_iter().find(|(s, _)| *s == scope) {
                shared.insert((scope, q.since_ms));
            }
        }
        let lifted: Vec<(u64, u64)> = shared
            .iter()
            .filter(|(scope, _)| !stored.contains(scope))
            .copied()
            .collect();
        for (scope, since) in lifted {
            shared.remove(&(scope, since));
            let current = quarantine.entries().into_iter().find(|(s, _)| *s == scope);
            if current.is_some_and(|(_, q)| q.since_ms == since) && quarantine.lift(scope) {
                tracing::info!(scope, "quarantine lifted through another node");
                changed += 1;
            }
        }
        Ok(changed)
    }
}

/// A deploy or start lifted the quarantine of `scope` here: the other nodes lift it too.
pub async fn lifted(store: &Store, scope: i64) -> Result<(), StoreError> {
    // Looked up first: the table's statement trigger would wake every node on every deploy,
    // quarantined or not.
    let held: Option<(i64,)> = sqlx::query_as("SELECT scope FROM quarantines WHERE scope = $1")
        .bind(scope)
        .fetch_optional(store.pool())
        .await?;
    if held.is_some() {
        sqlx::query("DELETE FROM quarantines WHERE scope = $1")
            .bind(scope)
            .execute(store.pool())
            .await?;
    }
    Ok(())
}
