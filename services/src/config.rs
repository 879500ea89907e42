//! Typed service configs, parsed from the JSON the admin API stores.
//!
//! Field names and defaults follow the documented tables. Unknown fields are refused, so a
//! typo (`pasword`) is reported instead of silently ignored. Additions to the documented
//! fields are marked as such.

use std::path::PathBuf;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value as JsonValue;

use crate::error::ServiceError;
use rust_edge_gateway_sdk::abi::host::ServiceKind;

fn default_true() -> bool {
    true
}
fn default_pool() -> u32 {
    10
}
fn default_timeout() -> u64 {
    30
}
fn default_retries() -> u32 {
    3
}

/// PostgreSQL.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostgresConfig {
    /// Server host.
    pub host: String,
    /// Port (5432).
    #[serde(default = "PostgresConfig::default_port")]
    pub port: u16,
    /// Database name.
    pub database: String,
    /// Login (default `postgres`).
    #[serde(default)]
    pub username: Option<String>,
    /// Password.
    #[serde(default)]
    pub password: Option<String>,
    /// `disable`, `allow`, `prefer` (default), `require`, `verify-ca`, `verify-full`.
    #[serde(default)]
    pub ssl_mode: SslMode,
    /// Connections in the pool (10).
    #[serde(default = "default_pool")]
    pub pool_size: u32,
    /// Addition: CA certificate (PEM) for `verify-ca`/`verify-full`.
    #[serde(default)]
    pub ca_cert_path: Option<String>,
    /// Addition: per-operation timeout in seconds (30).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

impl PostgresConfig {
    fn default_port() -> u16 {
        5432
    }
}

/// MySQL / MariaDB.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MysqlConfig {
    /// Server host.
    pub host: String,
    /// Port (3306).
    #[serde(default = "MysqlConfig::default_port")]
    pub port: u16,
    /// Database name.
    pub database: String,
    /// Login (default `root`).
    #[serde(default)]
    pub username: Option<String>,
    /// Password.
    #[serde(default)]
    pub password: Option<String>,
    /// Require TLS (false: TLS is used when the server offers it).
    #[serde(default)]
    pub use_ssl: bool,
    /// Connections in the pool (10).
    #[serde(default = "default_pool")]
    pub pool_size: u32,
    /// Addition: CA certificate (PEM) to verify the server with when `use_ssl`.
    #[serde(default)]
    pub ca_cert_path: Option<String>,
    /// Addition: per-operation timeout in seconds (30).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

impl MysqlConfig {
    fn default_port() -> u16 {
        3306
    }
}

/// SQLite.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqliteConfig {
    /// Database file; relative paths are under the gateway data dir's `sqlite/` folder, and no
    /// other file of the data dir may be named.
    pub path: String,
    /// Create the file when it does not exist (true).
    #[serde(default = "default_true")]
    pub create_if_missing: bool,
    /// Addition: connections in the pool (10).
    #[serde(default = "default_pool")]
    pub pool_size: u32,
    /// Addition: per-operation timeout in seconds (30).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

/// Redis.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisConfig {
    /// Server host.
    pub host: String,
    /// Port (6379).
    #[serde(default = "RedisConfig::default_port")]
    pub port: u16,
    /// Password.
    #[serde(default)]
    pub password: Option<String>,
    /// ACL user (Redis 6+).
    #[serde(default)]
    pub username: Option<String>,
    /// Database number, 0-15 (0).
    #[serde(default)]
    pub database: u8,
    /// TLS (false).
    #[serde(default)]
    pub use_tls: bool,
    /// Connections in the pool (10).
    #[serde(default = "default_pool")]
    pub pool_size: u32,
    /// Addition: per-command timeout in seconds (30).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

impl RedisConfig {
    fn default_port() -> u16 {
        6379
    }
}

/// memcached (the documented cache types are Redis and memcached; memcached has no table,
/// these fields mirror Redis').
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemcachedConfig {
    /// Server host.
    pub host: String,
    /// Port (11211).
    #[serde(default = "MemcachedConfig::default_port")]
    pub port: u16,
    /// Connections (4).
    #[serde(default = "MemcachedConfig::default_pool")]
    pub pool_size: u32,
    /// Per-operation timeout in seconds (30).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

impl MemcachedConfig {
    fn default_port() -> u16 {
        11211
    }
    fn default_pool() -> u32 {
        4
    }
}

/// MinIO / S3.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinioConfig {
    /// `host:port`, or a full `http(s)://` URL.
    pub endpoint: String,
    /// Access key.
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
    /// Bucket, created when missing.
    pub bucket: String,
    /// Region (`us-east-1`).
    #[serde(default = "MinioConfig::default_region")]
    pub region: String,
    /// HTTPS when `endpoint` has no scheme (false).
    #[serde(default)]
    pub use_ssl: bool,
    /// Addition: path-style URLs (true; MinIO and most custom endpoints need it).
    #[serde(default = "default_true")]
    pub path_style: bool,
    /// Addition: per-operation timeout in seconds (30).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

impl MinioConfig {
    fn default_region() -> String {
        "us-east-1".into()
    }
}

/// FTP, FTPS or SFTP.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FtpConfig {
    /// Server host.
    pub host: String,
    /// Port (21 for FTP/FTPS, 22 for SFTP).
    #[serde(default)]
    pub port: Option<u16>,
    /// Login.
    pub username: String,
    /// Password.
    #[serde(default)]
    pub password: Option<String>,
    /// SSH private key (SFTP only).
    #[serde(default)]
    pub private_key_path: Option<String>,
    /// `ftp` (default), `ftps` or `sftp`.
    #[serde(default)]
    pub protocol: FtpProtocol,
    /// Directory relative paths are under.
    #[serde(default)]
    pub base_path: Option<String>,
    /// Passive mode (true; FTP/FTPS only).
    #[serde(default = "default_true")]
    pub passive_mode: bool,
    /// Connection and operation timeout in seconds (30).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Addition: CA certificate (PEM) for FTPS servers with a private CA.
    #[serde(default)]
    pub ca_cert_path: Option<String>,
}

impl FtpConfig {
    /// The port, defaulted by protocol.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(if self.protocol == FtpProtocol::Sftp {
            22
        } else {
            21
        })
    }
}

/// SMTP.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    /// Server host.
    pub host: String,
    /// Port (587).
    #[serde(default = "EmailConfig::default_port")]
    pub port: u16,
    /// AUTH login.
    #[serde(default)]
    pub username: Option<String>,
    /// AUTH password.
    #[serde(default)]
    pub password: Option<String>,
    /// `none`, `starttls` (default) or `tls`.
    #[serde(default)]
    pub encryption: SmtpEncryption,
    /// Default sender.
    pub from_address: String,
    /// Default sender name.
    #[serde(default)]
    pub from_name: Option<String>,
    /// Default Reply-To.
    #[serde(default)]
    pub reply_to: Option<String>,
    /// Connection timeout in seconds (30).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Send attempts after a temporary failure (3).
    #[serde(default = "default_retries")]
    pub max_retries: u32,
    /// Addition: CA certificate (PEM) for servers with a private CA.
    #[serde(default)]
    pub ca_cert_path: Option<String>,
}

impl EmailConfig {
    fn default_port() -> u16 {
        587
    }
}

/// A parsed service config.
#[derive(Clone, Debug)]
pub enum ServiceConfig {
    /// `postgres`
    Postgres(PostgresConfig),
    /// `mysql`
    Mysql(MysqlConfig),
    /// `sqlite` (path resolved against the data directory)
    Sqlite(SqliteConfig),
    /// `redis`
    Redis(RedisConfig),
    /// `memcached`
    Memcached(MemcachedConfig),
    /// `minio`
    Minio(MinioConfig),
    /// `ftp` (with `protocol` ftp, ftps or sftp)
    Ftp(FtpConfig),
    /// `email`
    Email(EmailConfig),
}

fn typed<T: DeserializeOwned>(service_type: &str, config: &JsonValue) -> Result<T, ServiceError> {
    // `null` for an optional field is the same as leaving it out, and so is an empty
    // password (a form's blank field): a server without a password takes no password at all.
    let cleaned = match config {
        JsonValue::Object(m) => JsonValue::Object(
            m.iter()
                .filter(|(k, v)| {
                    !(v.is_null() || (k.as_str() == "password" && v.as_str() == Some("")))
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    };
    // The path names the setting at fault: "ssl_mode: unknown variant `maybe`, expected ...".
    serde_path_to_error::deserialize(cleaned).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        ServiceError::Config {
            service_type: service_type.into(),
            message: if path.is_empty() || path == "." {
                inner.to_string()
            } else {
                format!("{path}: {inner}")
            },
        }
    })
}

fn invalid(service_type: &str, message: impl Into<String>) -> ServiceError {
    ServiceError::Config {
        service_type: service_type.into(),
        message: message.into(),
    }
}

impl ServiceConfig {
    /// Parses and checks the config of a service of `service_type`.
    pub fn parse(service_type: &str, config: &JsonValue) -> Result<Self, ServiceError> {
        let t = service_type;
        let parsed =
            match t {
                "postgres" => Self::Postgres(typed(t, config)?),
                "mysql" => Self::Mysql(typed(t, config)?),
                "sqlite" => Self::Sqlite(typed(t, config)?),
                "redis" => Self::Redis(typed(t, config)?),
                "memcached" => Self::Memcached(typed(t, config)?),
                "minio" => Self::Minio(typed(t, config)?),
                "ftp" => Self::Ftp(typed(t, config)?),
                "email" => Self::Email(typed(t, config)?),
                "mongodb" => return Err(ServiceError::Unsupported(
                    "mongodb services are not supported by this build: no MongoDB server could be \
                     installed to test a driver against, and an untested driver is not shipped"
                        .into(),
                )),
                other => {
                    return Err(ServiceError::Unsupported(format!(
                        "unknown service type '{other}'"
                    )))
                }
            };
        parsed.check(t)?;
        Ok(parsed)
    }

    fn check(&self, t: &str) -> Result<(), ServiceError> {
        match self {
            Self::Postgres(c) => pool_ok(t, c.pool_size),
            Self::Mysql(c) => pool_ok(t, c.pool_size),
            Self::Sqlite(c) => {
                if c.path.trim().is_empty() {
                    return Err(invalid(t, "path is required"));
                }
                pool_ok(t, c.pool_size)
            }
            Self::Redis(c) => {
                if c.database > 15 {
                    return Err(invalid(t, "database must be 0-15"));
                }
                pool_ok(t, c.pool_size)
            }
            Self::Memcached(c) => pool_ok(t, c.pool_size),
            Self::Minio(c) => {
                if c.bucket.is_empty() || c.endpoint.is_empty() {
                    return Err(invalid(t, "endpoint and bucket are required"));
                }
                Ok(())
            }
            Self::Ftp(c) => {
                if c.protocol != FtpProtocol::Sftp && c.private_key_path.is_some() {
                    return Err(invalid(t, "private_key_path is for SFTP only"));
                }
                if c.password.is_none() && c.private_key_path.is_none() {
                    return Err(invalid(t, "password or private_key_path is required"));
                }
                Ok(())
            }
            Self::Email(c) => {
                if c.username.is_some() != c.password.is_some() {
                    return Err(invalid(t, "username and password go together"));
                }
                Ok(())
            }
        }
    }

    /// The kind of operations the service answers.
    pub fn kind(&self) -> ServiceKind {
        match self {
            Self::Postgres(_) | Self::Mysql(_) | Self::Sqlite(_) => ServiceKind::Database,
            Self::Redis(_) | Self::Memcached(_) => ServiceKind::Cache,
            Self::Minio(_) => ServiceKind::ObjectStorage,
            Self::Ftp(_) => ServiceKind::FileTransfer,
            Self::Email(_) => ServiceKind::Email,
        }
    }

    /// The time one operation may take.
    pub fn timeout(&self) -> Duration {
        let secs = match self {
            Self::Postgres(c) => c.timeout_seconds,
            Self::Mysql(c) => c.timeout_seconds,
            Self::Sqlite(c) => c.timeout_seconds,
            Self::Redis(c) => c.timeout_seconds,
            Self::Memcached(c) => c.timeout_seconds,
            Self::Minio(c) => c.timeout_seconds,
            Self::Ftp(c) => c.timeout_seconds,
            // lettre's own timeout covers one attempt; retries multiply it.
            Self::Email(c) => c
                .timeout_seconds
                .saturating_mul(u64::from(c.max_retries) + 1),
        };
        Duration::from_secs(secs.max(1))
    }

    /// How many operations may run at once (the pool size, at least 1).
    pub fn concurrency(&self) -> usize {
        let n = match self {
            Self::Postgres(c) => c.pool_size,
            Self::Mysql(c) => c.pool_size,
            Self::Sqlite(c) => c.pool_size,
            // One multiplexed connection carries many commands at once.
            Self::Redis(c) => c.pool_size.saturating_mul(32),
            Self::Memcached(c) => c.pool_size,
            Self::Minio(_) => 64,
            Self::Ftp(_) => 1,
            Self::Email(_) => 4,
        };
        usize::try_from(n.max(1)).unwrap_or(1)
    }
}

/// PostgreSQL TLS modes, as libpq names them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    /// No TLS.
    Disable,
    /// TLS only if the server insists.
    Allow,
    /// TLS when the server offers it (default).
    #[default]
    Prefer,
    /// TLS, certificate not checked.
    Require,
    /// TLS, certificate checked against the CA.
    VerifyCa,
    /// TLS, certificate and host name checked.
    VerifyFull,
}

/// File transfer protocols.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FtpProtocol {
    /// Plain FTP (default).
    #[default]
    Ftp,
    /// FTP over explicit TLS.
    Ftps,
    /// SSH file transfer.
    Sftp,
}

/// SMTP transport security.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpEncryption {
    /// Plain SMTP.
    None,
    /// STARTTLS, required (default).
    #[default]
    Starttls,
    /// Implicit TLS.
    Tls,
}

fn pool_ok(t: &str, n: u32) -> Result<(), ServiceError> {
    if (1..=1000).contains(&n) {
        Ok(())
    } else {
        Err(invalid(t, "pool_size must be 1-1000"))
    }
}

/// Where SQLite services keep files given by a relative path: `<data-dir>/sqlite/`.
pub const SQLITE_DIR: &str = "sqlite";

/// Resolves a SQLite service's path: a relative one under `<data-dir>/sqlite/` (no `..`), an
/// absolute one as it is; either way never a file elsewhere in the gateway's data dir, which
/// holds the config store with every service's secrets and the admin token.
pub(crate) fn sqlite_path(data_dir: &std::path::Path, path: &str) -> Result<PathBuf, String> {
    use std::path::Component;
    let p = PathBuf::from(path);
    let own = data_dir.join(SQLITE_DIR);
    let joined = if p.is_absolute() {
        p
    } else {
        if p.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(format!(
                "relative path {path:?} may not contain '..' (relative paths are kept in the data dir's {SQLITE_DIR}/ folder)"
            ));
        }
        own.join(p)
    };
    // Follow symbolic links as far as the path exists, and fold `..` lexically after that.
    let mut resolved = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other),
        }
        if let Ok(real) = resolved.canonicalize() {
            resolved = real;
        }
    }
    let data = data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_path_buf());
    let own = own.canonicalize().unwrap_or_else(|_| data.join(SQLITE_DIR));
    if resolved.starts_with(&data) && !resolved.starts_with(&own) {
        return Err(format!(
            "{path:?} is inside the gateway's data dir, which a SQLite service may not open (it holds the config store and the admin token); use a relative path (kept in {}) or a file outside {}",
            own.display(),
            data.display()
        ));
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sqlite_files_stay_out_of_the_gateway_data_dir() {
        let root = tempfile::tempdir().expect("tempdir");
        let data = root.path().join("data");
        std::fs::create_dir_all(data.join("sqlite")).expect("dirs");
        std::fs::write(data.join("gateway.db"), b"").expect("db");
        let real = data.canonicalize().expect("canonical");
        assert_eq!(
            sqlite_path(&data, "app/app.db").expect("relative"),
            real.join("sqlite/app/app.db")
        );
        let outside = root.path().join("elsewhere.db");
        assert!(sqlite_path(&data, outside.to_str().expect("utf-8")).is_ok());
        for bad in [
            data.join("gateway.db").display().to_string(),
            data.join("sqlite/../gateway.db").display().to_string(),
            data.join("admin-token").display().to_string(),
            "../gateway.db".to_string(),
        ] {
            assert!(sqlite_path(&data, &bad).is_err(), "{bad}");
        }
        // A link from outside into the data dir is followed.
        let link = root.path().join("link.db");
        std::os::unix::fs::symlink(data.join("gateway.db"), &link).expect("symlink");
        assert!(sqlite_path(&data, link.to_str().expect("utf-8")).is_err());
    }

    #[test]
    fn documented_defaults_apply() {
        let c = ServiceConfig::parse(
            "postgres",
            &json!({"host": "h", "database": "d", "password": null}),
        )
        .expect("valid");
        let ServiceConfig::Postgres(c) = c else {
            panic!("postgres expected")
        };
        assert_eq!(
            (c.port, c.ssl_mode, c.pool_size),
            (5432, SslMode::Prefer, 10)
        );
        let ServiceConfig::Ftp(f) = ServiceConfig::parse(
            "ftp",
            &json!({"host": "h", "username": "u", "password": "p", "protocol": "sftp"}),
        )
        .expect("valid") else {
            panic!("ftp expected")
        };
        assert_eq!(
            (f.port(), f.passive_mode, f.timeout_seconds),
            (22, true, 30)
        );
        let ServiceConfig::Email(e) =
            ServiceConfig::parse("email", &json!({"host": "h", "from_address": "a@b.c"}))
                .expect("valid")
        else {
            panic!("email expected")
        };
        assert_eq!(
            (e.port, e.encryption, e.max_retries),
            (587, SmtpEncryption::Starttls, 3)
        );
    }

    #[test]
    fn typos_and_bad_values_are_reported() {
        let e = ServiceConfig::parse("redis", &json!({"host": "h", "pasword": "x"}))
            .expect_err("unknown field");
        assert!(e.to_string().contains("pasword"), "{e}");
        let e = ServiceConfig::parse("redis", &json!({"host": "h", "database": 16}))
            .expect_err("database 16");
        assert!(e.to_string().contains("0-15"), "{e}");
        let e = ServiceConfig::parse("mongodb", &json!({})).expect_err("mongodb");
        assert!(e.to_string().contains("not supported"), "{e}");
    }
}
