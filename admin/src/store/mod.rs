//! The config store: SQLite through sqlx, schema in `admin/migrations`.
//!
//! Started with no flags the gateway keeps everything in `<data-dir>/gateway.db`, so it
//! needs no external server.

pub mod collections;
pub mod domains;
pub mod endpoints;
pub mod services;

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::SqlitePool;

/// Errors of the config store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("config store: {0}")]
    Db(#[from] sqlx::Error),
    /// Applying migrations failed.
    #[error("config store migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The store file cannot be opened or read (corrupt, not a database, unreadable).
    #[error("config store {path}: {source} (is it a gateway database? move it away to start with an empty store)")]
    Open {
        /// The database file.
        path: std::path::PathBuf,
        /// What failed.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A stored row holds a value this gateway does not know.
    #[error("config store holds an invalid value: {0}")]
    Corrupt(String),
    /// A change the store refuses (the message says why).
    #[error("{0}")]
    Invalid(String),
    /// A stored JSON column does not parse.
    #[error("config store holds invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// A handle on the store (cheap to clone).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
}

/// Now, as the RFC 3339 text the API returns (`2024-01-15T10:30:00Z`).
/// For the optional fields of partial updates: absent keeps the stored value, `null` clears
/// it, a value replaces it. Use with `#[serde(default, deserialize_with = "clearable")]` on an
/// `Option<Option<T>>`.
pub fn clearable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

/// The value a clearable field leaves: the new one, none, or the current one.
pub fn updated<'a, T>(new: &'a Option<Option<T>>, current: &'a Option<T>) -> Option<&'a T> {
    match new {
        Some(v) => v.as_ref(),
        None => current.as_ref(),
    }
}

pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Store {
    /// Opens (creating if needed) `<dir>/gateway.db` and applies migrations.
    pub async fn open(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join("gateway.db");
        let failed = |source: Box<dyn std::error::Error + Send + Sync>| StoreError::Open {
            path: path.clone(),
            source,
        };
        let opts = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .map_err(|e| failed(Box::new(e)))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| failed(Box::new(e)))?;
        Ok(Store { pool })
    }
}

impl Store {
    /// The base path of a collection (`None` without a collection or base path).
    pub async fn collection_base_path(
        &self,
        id: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        let Some(id) = id else { return Ok(None) };
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT base_path FROM collections WHERE id = ?1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|r| r.0))
    }
}
