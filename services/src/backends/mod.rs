//! One module per backend client. [`connect`] builds the client of a config without
//! waiting for the network where the client can connect lazily, so a backend that is down
//! at boot only fails calls (503) until it comes up.

mod ftp;
mod keys;
mod memcached;
mod redis;
mod s3;
mod sftp;
mod smtp;
mod sql;
mod tls;

use std::path::Path;
use std::sync::Arc;

use crate::actor::Backend;
use crate::config::ServiceConfig;
use crate::error::ServiceError;

pub use keys::check_object_key;

/// The client of `config`.
pub(crate) async fn connect(
    config: &ServiceConfig,
    data_dir: &Path,
) -> Result<Arc<dyn Backend>, ServiceError> {
    Ok(match config {
        ServiceConfig::Postgres(c) => Arc::new(sql::SqlBackend::postgres(c)?),
        ServiceConfig::Mysql(c) => Arc::new(sql::SqlBackend::mysql(c)?),
        ServiceConfig::Sqlite(c) => Arc::new(sql::SqlBackend::sqlite(c, data_dir).await?),
        ServiceConfig::Redis(c) => Arc::new(redis::RedisBackend::new(c)?),
        ServiceConfig::Memcached(c) => Arc::new(memcached::MemcachedBackend::new(c)),
        ServiceConfig::Minio(c) => Arc::new(s3::S3Backend::new(c)?),
        ServiceConfig::Ftp(c) if c.protocol == crate::config::FtpProtocol::Sftp => {
            Arc::new(sftp::SftpBackend::new(c))
        }
        ServiceConfig::Ftp(c) => Arc::new(ftp::FtpBackend::new(c)?),
        ServiceConfig::Email(c) => Arc::new(smtp::SmtpBackend::new(c)?),
    })
}
