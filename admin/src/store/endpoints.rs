//! Endpoints: a route plus the handler code that serves it.

use serde::{Deserialize, Serialize};
use serde_json::Value as JsonValue;
use sqlx::Row;

use super::{now, Store, StoreError};

/// Endpoint status values, as documented.
pub mod status {
    /// Defined, not yet compiled.
    pub const CREATED: &str = "created";
    /// Compiled successfully.
    pub const COMPILED: &str = "compiled";
    /// Loaded and serving.
    pub const RUNNING: &str = "running";
    /// Unloaded; can be started again.
    pub const STOPPED: &str = "stopped";
    /// The last compile or start failed.
    pub const ERROR: &str = "error";
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
    pub status: String,
    /// The last compile or start error.
    pub last_error: Option<String>,
    /// Successful compiles so far.
    pub version: i64,
    /// Created at (RFC 3339).
    pub created_at: String,
    /// Updated at (RFC 3339).
    pub updated_at: String,
    #[serde(skip)]
    /// The scope number the dataplane uses for this endpoint.
    pub scope: i64,
    #[serde(skip)]
    /// The installed library of the last successful compile.
    pub library_path: Option<String>,
    #[serde(skip)]
    /// The ABI fingerprint that library was built with.
    pub library_fingerprint: Option<String>,
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

fn from_row(r: &sqlx::sqlite::SqliteRow) -> Result<Endpoint, StoreError> {
    let deps: String = r.try_get("dependencies")?;
    Ok(Endpoint {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        path: r.try_get("path")?,
        method: r.try_get("method")?,
        domain: r.try_get("domain")?,
        collection_id: r.try_get("collection_id")?,
        description: r.try_get("description")?,
        code: r.try_get("code")?,
        dependencies: serde_json::from_str(&deps)?,
        enabled: r.try_get::<i64, _>("enabled")? != 0,
        status: r.try_get("status")?,
        last_error: r.try_get("last_error")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        scope: r.try_get("scope")?,
        library_path: r.try_get("library_path")?,
        library_fingerprint: r.try_get("library_fingerprint")?,
    })
}

impl Store {
    /// Endpoints matching the filter, oldest first.
    pub async fn list_endpoints(&self, f: &EndpointFilter) -> Result<Vec<Endpoint>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM endpoints WHERE (?1 IS NULL OR domain = ?1) AND (?2 IS NULL OR collection_id = ?2) \
             AND (?3 IS NULL OR enabled = ?3) ORDER BY created_at, rowid",
        )
        .bind(&f.domain)
        .bind(&f.collection_id)
        .bind(f.enabled.map(i64::from))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// One endpoint.
    pub async fn get_endpoint(&self, id: &str) -> Result<Option<Endpoint>, StoreError> {
        let row = sqlx::query("SELECT * FROM endpoints WHERE id = ?1")
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
        sqlx::query(
            "INSERT INTO endpoints (id, scope, name, path, method, domain, collection_id, description, code, \
             dependencies, enabled, status, created_at, updated_at) VALUES (?1, \
             (SELECT COALESCE(MAX(scope), 0) + 1 FROM endpoints), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
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
        .bind(status::CREATED)
        .bind(&now)
        .execute(&self.pool)
        .await?;
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
            "UPDATE endpoints SET name = ?2, path = ?3, method = ?4, domain = ?5, collection_id = ?6, \
             description = ?7, code = ?8, dependencies = ?9, enabled = ?10, updated_at = ?11 WHERE id = ?1",
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
        .execute(&self.pool)
        .await?;
        self.get_endpoint(id).await
    }

    /// Deletes an endpoint; whether it existed.
    pub async fn delete_endpoint(&self, id: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM endpoints WHERE id = ?1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Sets status and last error.
    pub async fn set_status(
        &self,
        id: &str,
        status: &str,
        last_error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE endpoints SET status = ?2, last_error = ?3, updated_at = ?4 WHERE id = ?1",
        )
        .bind(id)
        .bind(status)
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
        status_after: &str,
        last_error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE endpoints SET status = CASE WHEN status = ?5 THEN status ELSE ?2 END, \
             last_error = ?3, updated_at = ?4 WHERE id = ?1",
        )
        .bind(id)
        .bind(status_after)
        .bind(last_error)
        .bind(now())
        .bind(status::RUNNING)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a successful compile: the installed library, its fingerprint, a new version.
    pub async fn set_library(
        &self,
        id: &str,
        path: &str,
        fingerprint: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE endpoints SET library_path = ?2, library_fingerprint = ?3, version = version + 1, \
             last_error = NULL, updated_at = ?4 WHERE id = ?1",
        )
        .bind(id)
        .bind(path)
        .bind(fingerprint)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
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
            (status::ERROR.to_string(), Some("bad".to_string()))
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
                (status::RUNNING.to_string(), err.map(String::from))
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
