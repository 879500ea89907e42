//! Endpoints: a route plus the handler code that serves it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as JsonValue;
use sqlx::Row;

use super::{now, Store, StoreError};

/// An endpoint's status, as documented: `created`, `compiled`, `running`, `stopped`, `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointStatus {
    /// Defined, not yet compiled.
    Created,
    /// Compiled successfully.
    Compiled,
    /// Loaded and serving.
    Running,
    /// Unloaded; can be started again.
    Stopped,
    /// The last compile or start failed.
    Error,
    /// Loaded, but its requests get 503 at once: one of its calls held a worker past the
    /// quarantine threshold. Shown while it lasts, never stored; a deploy or start lifts it.
    Quarantined,
}

impl EndpointStatus {
    /// The name stored and returned.
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointStatus::Created => "created",
            EndpointStatus::Compiled => "compiled",
            EndpointStatus::Running => "running",
            EndpointStatus::Stopped => "stopped",
            EndpointStatus::Error => "error",
            EndpointStatus::Quarantined => "quarantined",
        }
    }

    /// The status of a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [
            EndpointStatus::Created,
            EndpointStatus::Compiled,
            EndpointStatus::Running,
            EndpointStatus::Stopped,
            EndpointStatus::Error,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

impl std::fmt::Display for EndpointStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The statuses by their short names (`status::RUNNING`).
pub mod status {
    use super::EndpointStatus;
    /// Defined, not yet compiled.
    pub const CREATED: EndpointStatus = EndpointStatus::Created;
    /// Compiled successfully.
    pub const COMPILED: EndpointStatus = EndpointStatus::Compiled;
    /// Loaded and serving.
    pub const RUNNING: EndpointStatus = EndpointStatus::Running;
    /// Unloaded; can be started again.
    pub const STOPPED: EndpointStatus = EndpointStatus::Stopped;
    /// The last compile or start failed.
    pub const ERROR: EndpointStatus = EndpointStatus::Error;
}

/// An endpoint as the API returns it.
#[derive(Debug, Clone, Serialize)]
pub struct Endpoint {
    /// Id (UUID).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Path pattern, e.g. `/pets/{id}`.
    pub path: String,
    /// HTTP method.
    pub method: String,
    /// Host, or `*` for all.
    pub domain: String,
    /// Parent collection.
    pub collection_id: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Handler source.
    pub code: String,
    /// Extra Cargo dependencies (Cargo.toml format as JSON).
    pub dependencies: JsonValue,
    /// Whether the endpoint is active.
    pub enabled: bool,
    /// created, compiled, running, stopped or error.
    pub status: EndpointStatus,
    /// The last compile or start error.
    pub last_error: Option<String>,
    /// Why the endpoint is quarantined (with status `quarantined`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quarantine: Option<String>,
    /// Successful compiles so far.
    pub version: i64,
    /// Created at (RFC 3339).
    pub created_at: String,
    /// Updated at (RFC 3339).
    pub updated_at: String,
    /// Variables the handler reads with `ctx.var(NAME)`.
    pub variables: BTreeMap<String, String>,
    /// Secrets the handler reads the same way; masked on every read.
    #[serde(serialize_with = "masked_secrets")]
    pub secrets: BTreeMap<String, String>,
    /// Largest request body the endpoint accepts (413 above).
    pub max_body_bytes: u64,
    /// Whether the draft (code and dependencies) is exactly what the last successful build
    /// compiled, with this gateway's ABI: `start` deploys that build only then.
    pub draft_compiled: bool,
    /// What is deployed: what serves while the endpoint runs, and what a restart serves.
    pub deployed: Option<Deployed>,
    #[serde(skip)]
    /// The scope number the dataplane uses for this endpoint.
    pub scope: i64,
    #[serde(skip)]
    /// The last successful build of the draft.
    pub build: Option<Build>,
}

/// A successful build of an endpoint's draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Build {
    /// The installed library.
    pub library: String,
    /// The ABI fingerprint it was built with.
    pub fingerprint: String,
    /// The code it compiled.
    pub code: String,
    /// The dependencies it compiled.
    pub dependencies: JsonValue,
    /// The build's version number.
    pub version: i64,
    /// When it was built (RFC 3339).
    pub built_at: String,
}

/// The deployed version of an endpoint (a copy of the build that was deployed).
#[derive(Debug, Clone, Serialize)]
pub struct Deployed {
    /// The build's version number.
    pub version: i64,
    /// When that build was made (RFC 3339).
    pub built_at: String,
    /// When it was deployed (RFC 3339).
    pub deployed_at: String,
    /// The ABI fingerprint of its library.
    pub fingerprint: String,
    #[serde(skip)]
    /// Its installed library.
    pub library: String,
    #[serde(skip)]
    /// The code deployed (a restart with another ABI rebuilds this, never the draft).
    pub code: String,
    #[serde(skip)]
    /// The dependencies deployed.
    pub dependencies: JsonValue,
}

/// A create request.
#[derive(Debug, Clone, Deserialize)]
pub struct NewEndpoint {
    /// Display name.
    pub name: String,
    /// Path pattern.
    pub path: String,
    /// HTTP method.
    pub method: String,
    /// Host or `*`.
    pub domain: String,
    /// Parent collection.
    #[serde(default)]
    pub collection_id: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Handler source.
    #[serde(default)]
    pub code: Option<String>,
    /// Extra dependencies.
    #[serde(default)]
    pub dependencies: Option<JsonValue>,
    /// Active (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Variables.
    #[serde(default)]
    pub variables: Option<BTreeMap<String, String>>,
    /// Secrets.
    #[serde(default)]
    pub secrets: Option<BTreeMap<String, String>>,
    /// Largest request body (default [`DEFAULT_MAX_BODY_BYTES`]).
    #[serde(default)]
    pub max_body_bytes: Option<u64>,
}

/// A partial update: only the fields present change.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EndpointUpdate {
    /// Display name.
    pub name: Option<String>,
    /// Path pattern.
    pub path: Option<String>,
    /// HTTP method.
    pub method: Option<String>,
    /// Host or `*`.
    pub domain: Option<String>,
    /// Parent collection.
    #[serde(default, deserialize_with = "super::clearable")]
    pub collection_id: Option<Option<String>>,
    /// Description.
    #[serde(default, deserialize_with = "super::clearable")]
    pub description: Option<Option<String>>,
    /// Handler source.
    pub code: Option<String>,
    /// Extra dependencies.
    pub dependencies: Option<JsonValue>,
    /// Active.
    pub enabled: Option<bool>,
    /// Variables (replaces them all).
    pub variables: Option<BTreeMap<String, String>>,
    /// Secrets (replaces them all; a masked value keeps the stored secret of that name).
    pub secrets: Option<BTreeMap<String, String>>,
    /// Largest request body.
    pub max_body_bytes: Option<u64>,
}

/// List filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EndpointFilter {
    /// Host.
    pub domain: Option<String>,
    /// Collection id.
    pub collection_id: Option<String>,
    /// Enabled flag.
    pub enabled: Option<bool>,
}

use super::services::MASK;

fn masked_secrets<S: serde::Serializer>(
    secrets: &BTreeMap<String, String>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(secrets.len()))?;
    for k in secrets.keys() {
        m.serialize_entry(k, MASK)?;
    }
    m.end()
}

/// The largest request body of a new endpoint (and of endpoints made before the field
/// existed): 1 MiB. Uploads raise it.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 1 << 20;

/// The largest `max_body_bytes` the API accepts: 1 GiB (bodies are buffered whole; the
/// per-worker buffer cap bounds them further).
pub const MAX_BODY_BYTES_LIMIT: u64 = 1 << 30;

/// Checks a `max_body_bytes` value: 1 byte to [`MAX_BODY_BYTES_LIMIT`].
pub fn check_max_body(n: u64) -> Result<(), String> {
    if (1..=MAX_BODY_BYTES_LIMIT).contains(&n) {
        Ok(())
    } else {
        Err(format!(
            "max_body_bytes must be between 1 and {MAX_BODY_BYTES_LIMIT} (1 GiB); got {n}"
        ))
    }
}

/// Checks variable and secret names (`[A-Za-z_][A-Za-z0-9_]*`, not in both maps) and sizes.
pub fn check_vars(
    variables: &BTreeMap<String, String>,
    secrets: &BTreeMap<String, String>,
) -> Result<(), String> {
    for (name, value) in variables.iter().chain(secrets) {
        let mut chars = name.chars();
        let ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok || name.len() > 128 {
            return Err(format!(
                "variable name {name:?} must match [A-Za-z_][A-Za-z0-9_]* (at most 128 characters)"
            ));
        }
        if value.len() > 64 * 1024 {
            return Err(format!("the value of {name} is larger than 64 KiB"));
        }
    }
    if let Some(both) = variables.keys().find(|k| secrets.contains_key(*k)) {
        return Err(format!("{both} is both a variable and a secret; pick one"));
    }
    Ok(())
}

/// New secrets over the stored ones: a masked value keeps the stored secret of that name,
/// a name left out is removed.
pub fn merge_secrets(
    stored: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    new.iter()
        .filter_map(|(k, v)| {
            if v == MASK {
                stored.get(k).map(|old| (k.clone(), old.clone()))
            } else {
                Some((k.clone(), v.clone()))
            }
        })
        .collect()
}

/// A size as SQLite's integer (the API's checks keep sizes far below `i64::MAX`).
fn db_int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn json_column(r: &sqlx::any::AnyRow, name: &str) -> Result<Option<JsonValue>, StoreError> {
    let text: Option<String> = r.try_get(name)?;
    Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
}

fn build_from_row(r: &sqlx::any::AnyRow) -> Result<Option<Build>, StoreError> {
    let library: Option<String> = r.try_get("library_path")?;
    let (Some(library), Some(code)) = (library, r.try_get::<Option<String>, _>("built_code")?)
    else {
        return Ok(None);
    };
    Ok(Some(Build {
        library,
        fingerprint: r
            .try_get::<Option<String>, _>("library_fingerprint")?
            .unwrap_or_default(),
        code,
        dependencies: json_column(r, "built_dependencies")?
            .unwrap_or_else(|| serde_json::json!({})),
        version: r.try_get("version")?,
        built_at: r
            .try_get::<Option<String>, _>("built_at")?
            .unwrap_or_default(),
    }))
}

fn deployed_from_row(r: &sqlx::any::AnyRow) -> Result<Option<Deployed>, StoreError> {
    let library: Option<String> = r.try_get("deployed_library")?;
    let Some(library) = library else {
        return Ok(None);
    };
    Ok(Some(Deployed {
        version: r
            .try_get::<Option<i64>, _>("deployed_version")?
            .unwrap_or(0),
        built_at: r
            .try_get::<Option<String>, _>("deployed_built_at")?
            .unwrap_or_default(),
        deployed_at: r
            .try_get::<Option<String>, _>("deployed_at")?
            .unwrap_or_default(),
        fingerprint: r
            .try_get::<Option<String>, _>("deployed_fingerprint")?
            .unwrap_or_default(),
        library,
        code: r
            .try_get::<Option<String>, _>("deployed_code")?
            .unwrap_or_default(),
        dependencies: json_column(r, "deployed_dependencies")?
            .unwrap_or_else(|| serde_json::json!({})),
    }))
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Endpoint, StoreError> {
    let deps: String = r.try_get("dependencies")?;
    let dependencies: JsonValue = serde_json::from_str(&deps)?;
    let code: String = r.try_get("code")?;
    let build = build_from_row(r)?;
    let draft_compiled = build.as_ref().is_some_and(|b| {
        b.code == code
            && b.dependencies == dependencies
            && b.fingerprint == rust_edge_gateway_sdk::abi::FINGERPRINT
    });
    let text: String = r.try_get("variables")?;
    let variables: BTreeMap<String, String> = serde_json::from_str(&text)?;
    let text: String = r.try_get("secrets")?;
    let secrets: BTreeMap<String, String> = serde_json::from_str(&text)?;
    let max_body: i64 = r.try_get("max_body_bytes")?;
    Ok(Endpoint {
        variables,
        secrets,
        max_body_bytes: u64::try_from(max_body)
            .map_err(|_| StoreError::Corrupt(format!("negative max_body_bytes {max_body}")))?,
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        path: r.try_get("path")?,
        method: r.try_get("method")?,
        domain: r.try_get("domain")?,
        collection_id: r.try_get("collection_id")?,
        description: r.try_get("description")?,
        code,
        dependencies,
        enabled: r.try_get::<i64, _>("enabled")? != 0,
        status: {
            let name: String = r.try_get("status")?;
            EndpointStatus::parse(&name)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown endpoint status {name:?}")))?
        },
        last_error: r.try_get("last_error")?,
        quarantine: None,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        draft_compiled,
        deployed: deployed_from_row(r)?,
        scope: r.try_get("scope")?,
        build,
    })
}

impl Store {
    /// Endpoints matching the filter, oldest first.
    pub async fn list_endpoints(&self, f: &EndpointFilter) -> Result<Vec<Endpoint>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM endpoints WHERE ($1 IS NULL OR domain = $1) AND ($2 IS NULL OR collection_id = $2) \
             AND ($3 IS NULL OR enabled = $3) ORDER BY created_at, rowid",
        )
        .bind(&f.domain)
        .bind(&f.collection_id)
        .bind(f.enabled.map(i64::from))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Every endpoint this node can read, and the ids (with the reason) of those it cannot:
    /// a row a newer gateway wrote with a value this one does not know must not stop a
    /// cluster node from following the others.
    pub async fn list_endpoints_readable(
        &self,
    ) -> Result<(Vec<Endpoint>, Vec<(String, String)>), StoreError> {
        let rows = sqlx::query("SELECT * FROM endpoints ORDER BY created_at, rowid")
            .fetch_all(&self.pool)
            .await?;
        let mut read = Vec::with_capacity(rows.len());
        let mut unreadable = Vec::new();
        for r in &rows {
            match from_row(r) {
                Ok(e) => read.push(e),
                Err(e) => unreadable.push((r.try_get("id")?, e.to_string())),
            }
        }
        Ok((read, unreadable))
    }

    /// One endpoint.
    pub async fn get_endpoint(&self, id: &str) -> Result<Option<Endpoint>, StoreError> {
        let row = sqlx::query("SELECT * FROM endpoints WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Creates an endpoint with status `created`.
    pub async fn create_endpoint(
        &self,
        e: &NewEndpoint,
        default_code: &str,
    ) -> Result<Endpoint, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = now();
        let deps = e
            .dependencies
            .clone()
            .unwrap_or_else(|| serde_json::json!({}));
        let mut tx = self.pool.begin().await?;
        // Scopes come from a counter that only goes up: a new endpoint never inherits a
        // deleted one's logs or bindings.
        let (scope,): (i64,) = sqlx::query_as(
            "UPDATE sequences SET value = value + 1 WHERE name = 'endpoint_scope' RETURNING value",
        )
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO endpoints (id, scope, name, path, method, domain, collection_id, description, code, \
             dependencies, enabled, status, created_at, updated_at, variables, secrets, max_body_bytes) \
             VALUES ($1, $13, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $14, $15, $16)",
        )
        .bind(&id)
        .bind(&e.name)
        .bind(&e.path)
        .bind(e.method.to_ascii_uppercase())
        .bind(&e.domain)
        .bind(&e.collection_id)
        .bind(&e.description)
        .bind(e.code.as_deref().unwrap_or(default_code))
        .bind(deps.to_string())
        .bind(i64::from(e.enabled.unwrap_or(true)))
        .bind(status::CREATED.as_str())
        .bind(&now)
        .bind(scope)
        .bind(serde_json::to_string(&e.variables.clone().unwrap_or_default())?)
        .bind(serde_json::to_string(&e.secrets.clone().unwrap_or_default())?)
        .bind(db_int(e.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES)))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(self
            .get_endpoint(&id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?)
    }

    /// Applies a partial update; `None` when there is no such endpoint.
    pub async fn update_endpoint(
        &self,
        id: &str,
        u: &EndpointUpdate,
    ) -> Result<Option<Endpoint>, StoreError> {
        let Some(cur) = self.get_endpoint(id).await? else {
            return Ok(None);
        };
        let deps = u.dependencies.clone().unwrap_or(cur.dependencies);
        sqlx::query(
            "UPDATE endpoints SET name = $2, path = $3, method = $4, domain = $5, collection_id = $6, \
             description = $7, code = $8, dependencies = $9, enabled = $10, updated_at = $11, \
             variables = $12, secrets = $13, max_body_bytes = $14 WHERE id = $1",
        )
        .bind(id)
        .bind(u.name.as_ref().unwrap_or(&cur.name))
        .bind(u.path.as_ref().unwrap_or(&cur.path))
        .bind(u.method.as_ref().map_or(cur.method.clone(), |m| m.to_ascii_uppercase()))
        .bind(u.domain.as_ref().unwrap_or(&cur.domain))
        .bind(super::updated(&u.collection_id, &cur.collection_id))
        .bind(super::updated(&u.description, &cur.description))
        .bind(u.code.as_ref().unwrap_or(&cur.code))
        .bind(deps.to_string())
        .bind(i64::from(u.enabled.unwrap_or(cur.enabled)))
        .bind(now())
        .bind(serde_json::to_string(u.variables.as_ref().unwrap_or(&cur.variables))?)
        .bind(serde_json::to_string(
            &u.secrets
                .as_ref()
                .map_or(cur.secrets.clone(), |s| merge_secrets(&cur.secrets, s)),
        )?)
        .bind(db_int(u.max_body_bytes.unwrap_or(cur.max_body_bytes)))
        .execute(&self.pool)
        .await?;
        self.get_endpoint(id).await
    }

    /// Deletes an endpoint; whether it existed.
    pub async fn delete_endpoint(&self, id: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM endpoints WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Sets status and last error.
    pub async fn set_status(
        &self,
        id: &str,
        status: EndpointStatus,
        last_error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE endpoints SET status = $2, last_error = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(last_error)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records how a build ended: `status` (compiled or error) unless the endpoint is running
    /// by then, which it stays (its previous version serves). Decided in the UPDATE itself,
    /// so a deploy that lands while the build runs is not overwritten.
    pub async fn set_build_outcome(
        &self,
        id: &str,
        status_after: EndpointStatus,
        last_error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE endpoints SET status = CASE WHEN status = $5 THEN status ELSE $2 END, \
             last_error = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(status_after.as_str())
        .bind(last_error)
        .bind(now())
        .bind(status::RUNNING.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a successful build of the draft: the installed library, its fingerprint, the
    /// code and dependencies it compiled, a new version. What is deployed stays as it is.
    pub async fn record_build(
        &self,
        id: &str,
        library: &str,
        fingerprint: &str,
        code: &str,
        dependencies: &JsonValue,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE endpoints SET library_path = $2, library_fingerprint = $3, built_code = $4, \
             built_dependencies = $5, built_at = $6, version = version + 1, last_error = NULL, \
             updated_at = $6 WHERE id = $1",
        )
        .bind(id)
        .bind(library)
        .bind(fingerprint)
        .bind(code)
        .bind(dependencies.to_string())
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records that `build` now serves: it becomes the deployed version, status `running`.
    pub async fn record_deploy(&self, id: &str, build: &Build) -> Result<(), StoreError> {
        let now = now();
        sqlx::query(
            "UPDATE endpoints SET deployed_version = $2, deployed_code = $3, deployed_dependencies = $4, \
             deployed_library = $5, deployed_fingerprint = $6, deployed_built_at = $7, deployed_at = $8, \
             status = $9, last_error = NULL, updated_at = $8 WHERE id = $1",
        )
        .bind(id)
        .bind(build.version)
        .bind(&build.code)
        .bind(build.dependencies.to_string())
        .bind(&build.library)
        .bind(&build.fingerprint)
        .bind(&build.built_at)
        .bind(&now)
        .bind(status::RUNNING.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a rebuild of the deployed code (at boot, for another ABI): same version and
    /// code, a new library; only while `version` is still the deployed one.
    pub async fn record_deployed_rebuild(
        &self,
        id: &str,
        version: i64,
        library: &str,
        fingerprint: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE endpoints SET deployed_library = $3, deployed_fingerprint = $4 \
             WHERE id = $1 AND deployed_version = $2",
        )
        .bind(id)
        .bind(version)
        .bind(library)
        .bind(fingerprint)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every library the store refers to (draft builds and deployed versions).
    pub async fn referenced_libraries(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT library_path FROM endpoints WHERE library_path IS NOT NULL \
             UNION SELECT deployed_library FROM endpoints WHERE deployed_library IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_build_outcome_never_overwrites_running() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).await.expect("store");
        let new = NewEndpoint {
            name: "e".into(),
            path: "/e".into(),
            method: "GET".into(),
            domain: "*".into(),
            collection_id: None,
            description: None,
            code: None,
            dependencies: None,
            enabled: None,
            variables: None,
            secrets: None,
            max_body_bytes: None,
        };
        let e = store.create_endpoint(&new, "code").await.expect("create");
        let status_of = |id: String| {
            let store = store.clone();
            async move {
                let e = store.get_endpoint(&id).await.expect("get").expect("exists");
                (e.status, e.last_error)
            }
        };

        // Not running: the outcome is recorded.
        store
            .set_build_outcome(&e.id, status::ERROR, Some("bad"))
            .await
            .expect("outcome");
        assert_eq!(
            status_of(e.id.clone()).await,
            (status::ERROR, Some("bad".to_string()))
        );
        // A deploy lands while a build runs: its outcome keeps `running`, error or not.
        store
            .set_status(&e.id, status::RUNNING, None)
            .await
            .expect("running");
        for (outcome, err) in [
            (status::ERROR, Some("late failure")),
            (status::COMPILED, None),
        ] {
            store
                .set_build_outcome(&e.id, outcome, err)
                .await
                .expect("outcome");
            assert_eq!(
                status_of(e.id.clone()).await,
                (status::RUNNING, err.map(String::from))
            );
        }
        // Stopped, then built: compiled.
        store
            .set_status(&e.id, status::STOPPED, None)
            .await
            .expect("stopped");
        store
            .set_build_outcome(&e.id, status::COMPILED, None)
            .await
            .expect("outcome");
        assert_eq!(status_of(e.id).await.0, status::COMPILED);
    }
}
