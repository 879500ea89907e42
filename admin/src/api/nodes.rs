//! `GET /api/nodes`: the gateway nodes sharing this store.

use axum::extract::State;

use super::envelope::{ok, ApiResult};
use super::AppState;
use crate::cluster::nodes::{self, Node, DOWN_AFTER_SECS};

/// Every node with its address, version, fingerprint, last heartbeat and the version of
/// each endpoint it serves; `disagreements` names the endpoints whose nodes that are up do
/// not serve the same version. Without a cluster, this node alone.
pub async fn list(State(state): State<AppState>) -> ApiResult {
    let list: Vec<Node> = match &state.cluster {
        Some(c) => nodes::list(c.store()).await?,
        None => vec![Node {
            info: state.node.clone(),
            last_heartbeat: crate::store::now(),
            heartbeat_age_seconds: 0,
            state: "up",
            serving: nodes::serving_report(&state.serving, Default::default()),
            stats: serde_json::Value::Null,
        }],
    };
    Ok(ok(serde_json::json!({
        "cluster": state.cluster.is_some(),
        "this_node": state.node.id,
        "down_after_seconds": DOWN_AFTER_SECS,
        "disagreements": nodes::disagreements(&list),
        "nodes": list,
    })))
}
