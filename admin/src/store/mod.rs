//! The config store, through sqlx's `Any` driver with SQL both backends run: the embedded
//! SQLite (schema in `admin/migrations/sqlite`) or, for a cluster, PostgreSQL
//! (`admin/migrations/postgres`).
//!
//! Started with no flags the gateway keeps everything in `<data-dir>/gateway.db`, so it
//! needs no external server. `--store postgres://...` shares one store between nodes.

pub mod collections;
pub mod domains;
pub mod endpoints;
pub mod services;

use std::path::Path;

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

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

impl StoreError {
    /// Whether the store could not be reached (a dropped connection, a server that is down
    /// or restarting, a pool that timed out): the API answers 503 with the reason.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Db(e) => unreachable_db(e),
            StoreError::Migrate(sqlx::migrate::MigrateError::Execute(e)) => unreachable_db(e),
            _ => false,
        }
    }
}

fn unreachable_db(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_) => true,
        // PostgreSQL shutting down or starting (57P01 admin_shutdown, 57P03
        // cannot_connect_now), or the connection lost mid-query (08xxx).
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || c == "57P01" || c == "57P02" || c == "57P03"),
        _ => false,
    }
}

/// Which database holds the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded SQLite file in the data dir (one node).
    Sqlite,
    /// A PostgreSQL database (any number of nodes).
    Postgres,
}

/// A handle on the store (cheap to clone).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
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
        sqlx::any::install_default_drivers();
        let path = dir.join("gateway.db");
        let failed = |source: Box<dyn std::error::Error + Send + Sync>| StoreError::Open {
            path: path.clone(),
            source,
        };
        let url = url::Url::from_file_path(&path)
            .map_err(|()| failed(format!("{} is not an absolute path", path.display()).into()))?;
        // sqlx's SQLite options keep foreign keys on and wait 5 s on a busy database.
        let url = format!("sqlite://{}?mode=rwc", url.path());
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .connect(&url)
            .await
            .map_err(|e| failed(Box::new(e)))?;
        // WAL is a property of the file: set once, it stays.
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&pool)
            .await
            .map_err(|e| failed(Box::new(e)))?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|e| failed(Box::new(e)))?;
        Ok(Store {
            pool,
            backend: Backend::Sqlite,
        })
    }

    /// A store on the PostgreSQL database at `url`. No connection is made yet: queries fail
    /// (with [`StoreError::is_unavailable`]) until the server answers, so a node can start
    /// and serve its cached state while the store is down. Call [`Store::migrate`] before
    /// the first write.
    pub fn postgres(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(3))
            // No ping before each acquire: with it, acquires stalled for the whole timeout
            // while idle connections sat in the pool (seen about every other run of the
            // cluster test, sqlx 0.8.6). A connection PostgreSQL dropped fails its next
            // query instead (503, the reconcile retries) and leaves the pool.
            .test_before_acquire(false)
            .connect_lazy(url)?;
        Ok(Store {
            pool,
            backend: Backend::Postgres,
        })
    }

    /// Applies the PostgreSQL schema's migrations (nodes of several versions share one
    /// schema: migrations this node does not know are left alone). Nothing to do on SQLite,
    /// which [`Store::open`] migrated.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            let mut migrator = sqlx::migrate!("./migrations/postgres");
            migrator.set_ignore_missing(true);
            migrator.run(&self.pool).await?;
        }
        Ok(())
    }

    /// Which database holds the store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool (for the cluster's heartbeat and change listener).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
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
            sqlx::query_as("SELECT base_path FROM collections WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|r| r.0))
    }
}

impl Store {
    /// Every collection's base path, by collection id.
    pub async fn collection_base_paths(
        &self,
    ) -> Result<std::collections::HashMap<String, Option<String>>, StoreError> {
        let rows: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT id, base_path FROM collections")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().collect())
    }
}
