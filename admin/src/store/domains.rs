//! Domains: the hosts endpoints are grouped under.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{now, Store, StoreError};

/// A domain as the API returns it.
#[derive(Debug, Clone, Serialize)]
pub struct Domain {
    /// Id (UUID).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Hostname, e.g. `api.example.com`.
    pub host: String,
    /// Description.
    pub description: Option<String>,
    /// Whether it is active.
    pub enabled: bool,
    /// Plain-HTTP requests get a 308 to HTTPS.
    pub https_redirect: bool,
    /// `Strict-Transport-Security: max-age` on HTTPS answers (seconds); none when unset.
    pub hsts_max_age: Option<i64>,
    /// Created at.
    pub created_at: String,
    /// Updated at.
    pub updated_at: String,
}

/// Create request.
#[derive(Debug, Clone, Deserialize)]
pub struct NewDomain {
    /// Display name.
    pub name: String,
    /// Hostname.
    pub host: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Active (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Redirect plain HTTP to HTTPS (default false).
    #[serde(default)]
    pub https_redirect: Option<bool>,
    /// HSTS max-age in seconds (default none).
    #[serde(default)]
    pub hsts_max_age: Option<i64>,
}

/// Partial update.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DomainUpdate {
    /// Display name.
    pub name: Option<String>,
    /// Hostname.
    pub host: Option<String>,
    /// Description.
    #[serde(default, deserialize_with = "super::clearable")]
    pub description: Option<Option<String>>,
    /// Active.
    pub enabled: Option<bool>,
    /// Redirect plain HTTP to HTTPS.
    pub https_redirect: Option<bool>,
    /// HSTS max-age in seconds; `null` removes the header.
    #[serde(default, deserialize_with = "super::clearable")]
    pub hsts_max_age: Option<Option<i64>>,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Domain, StoreError> {
    Ok(Domain {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        host: r.try_get("host")?,
        description: r.try_get("description")?,
        enabled: r.try_get::<i64, _>("enabled")? != 0,
        https_redirect: r.try_get::<i64, _>("https_redirect")? != 0,
        hsts_max_age: r.try_get("hsts_max_age")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    /// Every domain, oldest first.
    pub async fn list_domains(&self) -> Result<Vec<Domain>, StoreError> {
        let rows = sqlx::query("SELECT * FROM domains ORDER BY created_at, rowid")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// One domain.
    pub async fn get_domain(&self, id: &str) -> Result<Option<Domain>, StoreError> {
        let row = sqlx::query("SELECT * FROM domains WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Creates a domain.
    pub async fn create_domain(&self, d: &NewDomain) -> Result<Domain, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = now();
        sqlx::query("INSERT INTO domains (id, name, host, description, enabled, https_redirect, hsts_max_age, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)")
            .bind(&id)
            .bind(&d.name)
            .bind(d.host.to_ascii_lowercase())
            .bind(&d.description)
            .bind(i64::from(d.enabled.unwrap_or(true)))
            .bind(i64::from(d.https_redirect.unwrap_or(false)))
            .bind(d.hsts_max_age)
            .bind(&now)
            .execute(&self.pool)
            .await?;
        Ok(self
            .get_domain(&id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?)
    }

    /// Applies a partial update; `None` when there is no such domain.
    pub async fn update_domain(
        &self,
        id: &str,
        u: &DomainUpdate,
    ) -> Result<Option<Domain>, StoreError> {
        let Some(cur) = self.get_domain(id).await? else {
            return Ok(None);
        };
        sqlx::query("UPDATE domains SET name = $2, host = $3, description = $4, enabled = $5, https_redirect = $6, hsts_max_age = $7, updated_at = $8 WHERE id = $1")
            .bind(id)
            .bind(u.name.as_ref().unwrap_or(&cur.name))
            .bind(u.host.as_ref().map_or(cur.host.clone(), |h| h.to_ascii_lowercase()))
            .bind(super::updated(&u.description, &cur.description))
            .bind(i64::from(u.enabled.unwrap_or(cur.enabled)))
            .bind(i64::from(u.https_redirect.unwrap_or(cur.https_redirect)))
            .bind(super::updated(&u.hsts_max_age, &cur.hsts_max_age))
            .bind(now())
            .execute(&self.pool)
            .await?;
        self.get_domain(id).await
    }

    /// Ids of the endpoints a domain delete removes: those in its collections and those
    /// routed on its host.
    pub async fn domain_endpoint_ids(&self, d: &Domain) -> Result<Vec<(String, i64)>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT id, scope FROM endpoints WHERE domain = $2 OR collection_id IN (SELECT id FROM collections WHERE domain_id = $1)",
        )
        .bind(&d.id)
        .bind(&d.host)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Deletes a domain with its collections and endpoints (see `domain_endpoint_ids`).
    pub async fn delete_domain(&self, d: &Domain) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM endpoints WHERE domain = $1")
            .bind(&d.host)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM domains WHERE id = $1")
            .bind(&d.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
