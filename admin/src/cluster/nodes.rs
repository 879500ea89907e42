//! The `nodes` table: each node's heartbeat, what it serves and its request counters.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value as JsonValue;
use sqlx::Row;

use super::NodeInfo;
use crate::serving::Serving;
use crate::store::{Store, StoreError};

/// A node that has not heartbeated for this long is shown as down.
pub const DOWN_AFTER_SECS: i64 = 10;

/// A node as `GET /api/nodes` returns it.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// Its id, addresses, version, fingerprint and start.
    #[serde(flatten)]
    pub info: NodeInfo,
    /// Its last heartbeat.
    pub last_heartbeat: String,
    /// Seconds since its last heartbeat.
    pub heartbeat_age_seconds: i64,
    /// `up`, or `down` when it stopped heartbeating.
    pub state: &'static str,
    /// Endpoint id -> the version it serves (and why it does not serve one it should).
    pub serving: BTreeMap<String, JsonValue>,
    /// Its request counters (the figures `GET /api/stats?scope=cluster` sums).
    #[serde(skip)]
    pub stats: JsonValue,
}

/// Records a heartbeat of `node`, with what it serves and its counters.
pub async fn heartbeat(
    store: &Store,
    node: &NodeInfo,
    serving: &BTreeMap<String, JsonValue>,
    stats: &JsonValue,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO nodes (id, gateway_address, admin_address, version, fingerprint, started_at, \
         heartbeat_at, heartbeat_unix, serving, stats) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         CAST(EXTRACT(EPOCH FROM now()) AS BIGINT), $8, $9) \
         ON CONFLICT (id) DO UPDATE SET gateway_address = excluded.gateway_address, \
         admin_address = excluded.admin_address, version = excluded.version, \
         fingerprint = excluded.fingerprint, started_at = excluded.started_at, \
         heartbeat_at = excluded.heartbeat_at, heartbeat_unix = excluded.heartbeat_unix, \
         serving = excluded.serving, stats = excluded.stats",
    )
    .bind(&node.id)
    .bind(&node.gateway_address)
    .bind(&node.admin_address)
    .bind(&node.version)
    .bind(&node.fingerprint)
    .bind(&node.started_at)
    .bind(crate::store::now())
    .bind(serde_json::to_string(serving)?)
    .bind(stats.to_string())
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Every node that ever heartbeated on this store, by id.
pub async fn list(store: &Store) -> Result<Vec<Node>, StoreError> {
    // Ages by the store's clock, which wrote the heartbeats: node clocks may differ.
    let rows = sqlx::query(
        "SELECT *, CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) - heartbeat_unix AS age FROM nodes ORDER BY id",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let age = r.try_get::<i64, _>("age")?.max(0);
            let serving: String = r.try_get("serving")?;
            let stats: String = r.try_get("stats")?;
            Ok(Node {
                info: NodeInfo {
                    id: r.try_get("id")?,
                    gateway_address: r.try_get("gateway_address")?,
                    admin_address: r.try_get("admin_address")?,
                    version: r.try_get("version")?,
                    fingerprint: r.try_get("fingerprint")?,
                    started_at: r.try_get("started_at")?,
                },
                last_heartbeat: r.try_get("heartbeat_at")?,
                heartbeat_age_seconds: age,
                state: if age > DOWN_AFTER_SECS { "down" } else { "up" },
                serving: serde_json::from_str(&serving)?,
                stats: serde_json::from_str(&stats)?,
            })
        })
        .collect()
}

/// Endpoint id -> `{version}` for what this node serves; with `errors`, also
/// `{version: null, error}` (or the served version with the error) for what it fails to serve.
pub fn serving_report(
    serving: &Serving,
    errors: std::collections::HashMap<String, String>,
) -> BTreeMap<String, JsonValue> {
    let mut out: BTreeMap<String, JsonValue> = serving
        .registry()
        .specs()
        .into_iter()
        .map(|s| (s.id, serde_json::json!({ "version": s.version })))
        .collect();
    for (id, error) in errors {
        out.entry(id)
            .or_insert_with(|| serde_json::json!({ "version": null }))
            .as_object_mut()
            .map(|o| o.insert("error".into(), error.into()));
    }
    out
}

/// Endpoints whose nodes that are up do not all serve the same version (or some serve it
/// and some do not): endpoint id -> node id -> version (null: not served).
pub fn disagreements(nodes: &[Node]) -> BTreeMap<String, BTreeMap<String, JsonValue>> {
    let up: Vec<&Node> = nodes.iter().filter(|n| n.state == "up").collect();
    let mut ids: Vec<&String> = up.iter().flat_map(|n| n.serving.keys()).collect();
    ids.sort();
    ids.dedup();
    let mut out = BTreeMap::new();
    for id in ids {
        let versions: BTreeMap<String, JsonValue> = up
            .iter()
            .map(|n| {
                let v = n
                    .serving
                    .get(id)
                    .and_then(|s| s.get("version"))
                    .cloned()
                    .unwrap_or(JsonValue::Null);
                (n.info.id.clone(), v)
            })
            .collect();
        let mut distinct: Vec<&JsonValue> = versions.values().collect();
        distinct.dedup();
        if distinct.len() > 1 {
            out.insert(id.clone(), versions);
        }
    }
    out
}

/// Sums `stats` of the nodes that are up: numbers add up key by key, objects recurse,
/// lists of objects with an `id` are merged by id.
pub fn sum_stats(nodes: &[Node]) -> JsonValue {
    let mut total = JsonValue::Null;
    for n in nodes.iter().filter(|n| n.state == "up") {
        add(&mut total, &n.stats);
    }
    total
}

fn add(into: &mut JsonValue, from: &JsonValue) {
    match (into, from) {
        (into @ JsonValue::Null, from) => *into = from.clone(),
        (JsonValue::Number(a), JsonValue::Number(b)) => {
            if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
                *a = (x + y).into();
            } else if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
                if let Some(n) = serde_json::Number::from_f64(x + y) {
                    *a = n;
                }
            }
        }
        (JsonValue::Object(a), JsonValue::Object(b)) => {
            for (k, v) in b {
                add(a.entry(k.clone()).or_insert(JsonValue::Null), v);
            }
        }
        (JsonValue::Array(a), JsonValue::Array(b)) => {
            for item in b {
                let id = item.get("id");
                match a.iter_mut().find(|x| id.is_some() && x.get("id") == id) {
                    Some(x) => add(x, item),
                    None => a.push(item.clone()),
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(id: &str, state: &'static str, serving: JsonValue, stats: JsonValue) -> Node {
        Node {
            info: NodeInfo {
                id: id.into(),
                gateway_address: String::new(),
                admin_address: String::new(),
                version: String::new(),
                fingerprint: String::new(),
                started_at: String::new(),
            },
            last_heartbeat: String::new(),
            heartbeat_age_seconds: 0,
            state,
            serving: serde_json::from_value(serving).expect("serving"),
            stats,
        }
    }

    #[test]
    fn stats_add_up_over_nodes_that_are_up() {
        let nodes = [
            node(
                "a",
                "up",
                json!({}),
                json!({"requests_handled": 2, "endpoints": [{"id": "e", "requests": 2}]}),
            ),
            node(
                "b",
                "up",
                json!({}),
                json!({"requests_handled": 3, "endpoints": [{"id": "e", "requests": 3}, {"id": "f", "requests": 1}]}),
            ),
            node("c", "down", json!({}), json!({"requests_handled": 100})),
        ];
        assert_eq!(
            sum_stats(&nodes),
            json!({"requests_handled": 5, "endpoints": [{"id": "e", "requests": 5}, {"id": "f", "requests": 1}]})
        );
    }

    #[test]
    fn nodes_that_serve_different_versions_disagree() {
        let nodes = [
            node(
                "a",
                "up",
                json!({"e": {"version": 2}, "f": {"version": 1}}),
                json!({}),
            ),
            node(
                "b",
                "up",
                json!({"e": {"version": 1}, "f": {"version": 1}}),
                json!({}),
            ),
            node("c", "down", json!({"f": {"version": 7}}), json!({})),
        ];
        let d = disagreements(&nodes);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d["e"]["a"], json!(2));
        assert_eq!(d["e"]["b"], json!(1));
    }
}
