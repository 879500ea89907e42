//! Collections: groups of endpoints in a domain, with a common path prefix.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{now, Store, StoreError};

/// A collection as the API returns it.
#[derive(Debug, Clone, Serialize)]
pub struct Collection {
    /// Id (UUID).
    pub id: String,
    /// Parent domain.
    pub domain_id: String,
    /// Display name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Common path prefix of its endpoints.
    pub base_path: Option<String>,
    /// Whether it is active.
    pub enabled: bool,
    /// Created at.
    pub created_at: String,
    /// Updated at.
    pub updated_at: String,
}

/// Create request.
#[derive(Debug, Clone, Deserialize)]
pub struct NewCollection {
    /// Parent domain.
    pub domain_id: String,
    /// Display name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Path prefix.
    #[serde(default)]
    pub base_path: Option<String>,
    /// Active (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// Partial update.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CollectionUpdate {
    /// Display name.
    pub name: Option<String>,
    /// Description.
    #[serde(default, deserialize_with = "super::clearable")]
    pub description: Option<Option<String>>,
    /// Path prefix.
    #[serde(default, deserialize_with = "super::clearable")]
    pub base_path: Option<Option<String>>,
    /// Active.
    pub enabled: Option<bool>,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Collection, StoreError> {
    Ok(Collection {
        id: r.try_get("id")?,
        domain_id: r.try_get("domain_id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        base_path: r.try_get("base_path")?,
        enabled: r.try_get::<i64, _>("enabled")? != 0,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    /// Collections, optionally of one domain.
    pub async fn list_collections(
        &self,
        domain_id: Option<&str>,
    ) -> Result<Vec<Collection>, StoreError> {
        let rows = sqlx::query("SELECT * FROM collections WHERE ($1 IS NULL OR domain_id = $1) ORDER BY created_at, rowid")
            .bind(domain_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// One collection.
    pub async fn get_collection(&self, id: &str) -> Result<Option<Collection>, StoreError> {
        let row = sqlx::query("SELECT * FROM collections WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Creates a collection.
    pub async fn create_collection(&self, c: &NewCollection) -> Result<Collection, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = now();
        sqlx::query(
            "INSERT INTO collections (id, domain_id, name, description, base_path, enabled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&id)
        .bind(&c.domain_id)
        .bind(&c.name)
        .bind(&c.description)
        .bind(&c.base_path)
        .bind(i64::from(c.enabled.unwrap_or(true)))
        .bind(&now)
        .execute(&self.pool)
        .await?;
        Ok(self
            .get_collection(&id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?)
    }

    /// Applies a partial update; `None` when there is no such collection.
    pub async fn update_collection(
        &self,
        id: &str,
        u: &CollectionUpdate,
    ) -> Result<Option<Collection>, StoreError> {
        let Some(cur) = self.get_collection(id).await? else {
            return Ok(None);
        };
        sqlx::query("UPDATE collections SET name = $2, description = $3, base_path = $4, enabled = $5, updated_at = $6 WHERE id = $1")
            .bind(id)
            .bind(u.name.as_ref().unwrap_or(&cur.name))
            .bind(super::updated(&u.description, &cur.description))
            .bind(super::updated(&u.base_path, &cur.base_path))
            .bind(i64::from(u.enabled.unwrap_or(cur.enabled)))
            .bind(now())
            .execute(&self.pool)
            .await?;
        self.get_collection(id).await
    }

    /// Ids of a collection's endpoints.
    pub async fn collection_endpoint_ids(
        &self,
        id: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT id, scope FROM endpoints WHERE collection_id = $1")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows)
    }

    /// Deletes a collection and (by cascade) its endpoints; whether it existed.
    pub async fn delete_collection(&self, id: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM collections WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
    }
}
