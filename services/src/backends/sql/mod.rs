//! SQL databases through sqlx: PostgreSQL, MySQL/MariaDB and SQLite pools.

mod bind;
mod decode;
mod placeholders;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rust_edge_gateway_sdk::abi::host::{
    FaultKind, ServiceOp, ServiceResult, ServiceValue, SqlValue,
};
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions, MySqlSslMode};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgSslMode};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{Either, Executor, Statement};

use self::placeholders::{rewrite, Style};
use crate::actor::{Backend, BoxFut};
use crate::config::{sqlite_path, MysqlConfig, PostgresConfig, SqliteConfig, SslMode};
use crate::error::{backend, fault, unavailable, ServiceError};

enum Pool {
    Postgres(PgPool),
    Mysql(MySqlPool),
    Sqlite(SqlitePool),
}

/// A pool of one SQL database.
pub(crate) struct SqlBackend {
    pool: Pool,
}

/// Connection-level failures are 503 (the backend is down); the rest are query errors.
/// Earlier versions kept a relative SQLite path directly in the data dir; such a file (and its
/// journal) moves to `sqlite/` the first time the service connects, so no data is left behind.
async fn move_from_old_place(
    data_dir: &Path,
    relative: &str,
    new: &Path,
) -> Result<(), ServiceError> {
    let old = data_dir.join(relative);
    if Path::new(relative).is_absolute() || new.exists() || !old.is_file() {
        return Ok(());
    }
    if let Some(parent) = new.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| ServiceError::Connect(format!("creating {}: {e}", parent.display())))?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", old.display()));
        if from.is_file() {
            let to = PathBuf::from(format!("{}{suffix}", new.display()));
            tokio::fs::rename(&from, &to).await.map_err(|e| {
                ServiceError::Connect(format!(
                    "moving {} to {}: {e}",
                    from.display(),
                    to.display()
                ))
            })?;
        }
    }
    tracing::info!(from = %old.display(), to = %new.display(), "SQLite file moved into the data dir's sqlite/ folder");
    Ok(())
}

/// SQLite statements that open or write other files (`ATTACH`, `VACUUM INTO`) are refused:
/// a SQLite service reaches its own database file only, never the gateway's config store.
/// The check is on words, so a string literal holding one of them is refused too (the error
/// says why).
fn refuse_other_files(sql: &str) -> Result<(), String> {
    let lower = sql.to_ascii_lowercase();
    let words = lower.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
    for w in words {
        if w == "attach" || w == "vacuum" {
            return Err(format!(
                "SQLite statements with {} are refused: a SQLite service opens its own database file only",
                w.to_ascii_uppercase()
            ));
        }
    }
    Ok(())
}

fn sql_fault(e: sqlx::Error) -> rust_edge_gateway_sdk::abi::host::ServiceFault {
    match &e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => unavailable(format!("database unreachable: {e}")),
        sqlx::Error::Database(db) => backend(db.message()),
        _ => backend(e),
    }
}

fn order_params(params: Vec<SqlValue>, order: &[usize]) -> Vec<SqlValue> {
    order
        .iter()
        .map(|&i| params.get(i).cloned().unwrap_or(SqlValue::Null))
        .collect()
}

impl SqlBackend {
    /// A lazily connecting PostgreSQL pool.
    pub(crate) fn postgres(c: &PostgresConfig) -> Result<Self, ServiceError> {
        let mut opts = PgConnectOptions::new()
            .host(&c.host)
            .port(c.port)
            .database(&c.database)
            .username(c.username.as_deref().unwrap_or("postgres"))
            .ssl_mode(match c.ssl_mode {
                SslMode::Disable => PgSslMode::Disable,
                SslMode::Allow => PgSslMode::Allow,
                SslMode::Prefer => PgSslMode::Prefer,
                SslMode::Require => PgSslMode::Require,
                SslMode::VerifyCa => PgSslMode::VerifyCa,
                SslMode::VerifyFull => PgSslMode::VerifyFull,
            });
        if let Some(p) = &c.password {
            opts = opts.password(p);
        }
        if let Some(ca) = &c.ca_cert_path {
            opts = opts.ssl_root_cert(ca);
        }
        let pool = PgPoolOptions::new()
            .max_connections(c.pool_size)
            .acquire_timeout(Duration::from_secs(c.timeout_seconds.clamp(1, 10)))
            .connect_lazy_with(opts);
        Ok(SqlBackend {
            pool: Pool::Postgres(pool),
        })
    }

    /// A lazily connecting MySQL pool.
    pub(crate) fn mysql(c: &MysqlConfig) -> Result<Self, ServiceError> {
        let mut opts = MySqlConnectOptions::new()
            .host(&c.host)
            .port(c.port)
            .database(&c.database)
            .username(c.username.as_deref().unwrap_or("root"))
            .ssl_mode(match (c.use_ssl, c.ca_cert_path.is_some()) {
                (false, _) => MySqlSslMode::Preferred,
                (true, false) => MySqlSslMode::Required,
                (true, true) => MySqlSslMode::VerifyIdentity,
            });
        if let Some(p) = &c.password {
            opts = opts.password(p);
        }
        if let Some(ca) = &c.ca_cert_path {
            opts = opts.ssl_ca(ca);
        }
        let pool = MySqlPoolOptions::new()
            .max_connections(c.pool_size)
            .acquire_timeout(Duration::from_secs(c.timeout_seconds.clamp(1, 10)))
            .connect_lazy_with(opts);
        Ok(SqlBackend {
            pool: Pool::Mysql(pool),
        })
    }

    /// A SQLite pool on a file (relative paths under `<data-dir>/sqlite/`; nothing else in the
    /// data dir).
    pub(crate) async fn sqlite(c: &SqliteConfig, data_dir: &Path) -> Result<Self, ServiceError> {
        let path = sqlite_path(data_dir, &c.path).map_err(|message| ServiceError::Config {
            service_type: "sqlite".into(),
            message,
        })?;
        move_from_old_place(data_dir, &c.path, &path).await?;
        if c.create_if_missing {
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent).await.map_err(|e| {
                    ServiceError::Connect(format!("creating {}: {e}", parent.display()))
                })?;
            }
        }
        let opts = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(c.create_if_missing)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(c.timeout_seconds.max(1)))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(c.pool_size)
            .connect_lazy_with(opts);
        Ok(SqlBackend {
            pool: Pool::Sqlite(pool),
        })
    }

    /// Why a connection cannot be had, when it cannot. The pool's own error after its
    /// acquire timeout is only "pool timed out" (it retries and keeps the cause); when the
    /// pool has no connection within a second, one direct connection with the pool's options
    /// tells what is wrong (refused, bad password, unknown database, TLS). `None` when a
    /// connection can be had.
    async fn connect_failure(&self) -> Option<String> {
        let acquire = async {
            match &self.pool {
                Pool::Postgres(p) => p.acquire().await.map(drop),
                Pool::Mysql(p) => p.acquire().await.map(drop),
                Pool::Sqlite(p) => p.acquire().await.map(drop),
            }
        };
        match tokio::time::timeout(Duration::from_secs(1), acquire).await {
            Ok(Ok(())) => return None,
            Ok(Err(e)) if !matches!(e, sqlx::Error::PoolTimedOut) => return Some(e.to_string()),
            _ => {}
        }
        use sqlx::ConnectOptions;
        let direct = async {
            match &self.pool {
                Pool::Postgres(p) => p.connect_options().connect().await.map(drop),
                Pool::Mysql(p) => p.connect_options().connect().await.map(drop),
                Pool::Sqlite(p) => p.connect_options().connect().await.map(drop),
            }
        };
        match tokio::time::timeout(Duration::from_secs(5), direct).await {
            Ok(Err(e)) => Some(e.to_string()),
            // Connecting works: the pool is only slow; the query decides.
            Ok(Ok(())) => None,
            Err(_) => Some("no answer to a connection attempt within 5 s".into()),
        }
    }

    async fn query(&self, sql: String, params: Vec<SqlValue>, rows: bool) -> ServiceResult {
        let invalid = |m: String| fault(FaultKind::Invalid, m);
        match &self.pool {
            Pool::Postgres(pool) => {
                let (sql, order) =
                    rewrite(&sql, Style::Dollar, params.len(), false).map_err(invalid)?;
                let params = order_params(params, &order);
                let mut conn = pool.acquire().await.map_err(sql_fault)?;
                // Prepared once per connection (sqlx caches it), so the server tells the
                // parameter types and values can be converted to them.
                let stmt = (&mut *conn).prepare(&sql).await.map_err(sql_fault)?;
                let types = match stmt.parameters() {
                    Some(Either::Left(t)) => t.to_vec(),
                    _ => Vec::new(),
                };
                let mut q = sqlx::query(&sql);
                for (i, v) in params.into_iter().enumerate() {
                    q = bind::postgres(q, v, types.get(i))
                        .map_err(|m| backend(format!("parameter ${}: {m}", i + 1)))?;
                }
                if rows {
                    let rows = q.fetch_all(&mut *conn).await.map_err(sql_fault)?;
                    let (columns, rows) = decode::postgres(&rows).map_err(backend)?;
                    Ok(ServiceValue::Rows { columns, rows })
                } else {
                    let r = q.execute(&mut *conn).await.map_err(sql_fault)?;
                    Ok(ServiceValue::Int(
                        i64::try_from(r.rows_affected()).unwrap_or(i64::MAX),
                    ))
                }
            }
            Pool::Mysql(pool) => {
                let (sql, order) =
                    rewrite(&sql, Style::Question, params.len(), true).map_err(invalid)?;
                let mut q = sqlx::query(&sql);
                for v in order_params(params, &order) {
                    q = bind::mysql(q, v);
                }
                if rows {
                    let rows = q.fetch_all(pool).await.map_err(sql_fault)?;
                    let (columns, rows) = decode::mysql(&rows).map_err(backend)?;
                    Ok(ServiceValue::Rows { columns, rows })
                } else {
                    let r = q.execute(pool).await.map_err(sql_fault)?;
                    Ok(ServiceValue::Int(
                        i64::try_from(r.rows_affected()).unwrap_or(i64::MAX),
                    ))
                }
            }
            Pool::Sqlite(pool) => {
                refuse_other_files(&sql).map_err(invalid)?;
                let (sql, order) =
                    rewrite(&sql, Style::Question, params.len(), false).map_err(invalid)?;
                let mut q = sqlx::query(&sql);
                for v in order_params(params, &order) {
                    q = bind::sqlite(q, v);
                }
                if rows {
                    let rows = q.fetch_all(pool).await.map_err(sql_fault)?;
                    let (columns, rows) = decode::sqlite(&rows).map_err(backend)?;
                    Ok(ServiceValue::Rows { columns, rows })
                } else {
                    let r = q.execute(pool).await.map_err(sql_fault)?;
                    Ok(ServiceValue::Int(
                        i64::try_from(r.rows_affected()).unwrap_or(i64::MAX),
                    ))
                }
            }
        }
    }
}

impl Backend for SqlBackend {
    fn task_per_operation(&self) -> bool {
        true
    }

    fn run(self: Arc<Self>, op: ServiceOp) -> BoxFut<ServiceResult> {
        Box::pin(async move {
            match op {
                ServiceOp::DbQuery { sql, params } => self.query(sql, params, true).await,
                ServiceOp::DbExecute { sql, params } => self.query(sql, params, false).await,
                other => Err(fault(
                    FaultKind::Internal,
                    format!("a database service cannot run {other:?}"),
                )),
            }
        })
    }

    fn ping(self: Arc<Self>) -> BoxFut<Result<(), String>> {
        Box::pin(async move {
            if let Some(cause) = self.connect_failure().await {
                return Err(format!("database unreachable: {cause}"));
            }
            self.query("SELECT 1".into(), Vec::new(), true)
                .await
                .map(drop)
                .map_err(|f| f.message)
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn attach_and_vacuum_are_refused() {
        for bad in [
            "ATTACH DATABASE '/data/gateway.db' AS g",
            "attach '/x' as y",
            "VACUUM INTO '/tmp/copy.db'",
            "select 1; Attach 'x' as z",
        ] {
            assert!(super::refuse_other_files(bad).is_err(), "{bad}");
        }
        assert!(super::refuse_other_files("SELECT attachment FROM mails").is_ok());
    }
}
