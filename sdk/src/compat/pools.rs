//! `DbPool`, `RedisPool`, `FtpPool`, `EmailPool`: blocking clients named by `pool_id`.

use serde::Serialize;

use crate::abi::host::{ServiceKind, ServiceOp, ServiceValue};
use crate::services::{call_blocking, rows_to_json, to_values, unexpected, Row, SqlParam};
use crate::HandlerError;

/// Rows returned by [`DbPool::query`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DbResult {
    /// One JSON object per row.
    pub rows: Vec<Row>,
}

/// A SQL database, by the `pool_id` of the endpoint's binding (or the service name).
#[derive(Clone, Debug)]
pub struct DbPool {
    /// Binding `pool_id` or service name.
    pub pool_id: String,
}

impl DbPool {
    /// Runs a query and returns its rows. Placeholders are `?` or `$1`.
    pub fn query(&self, sql: &str, params: &[&dyn SqlParam]) -> Result<DbResult, HandlerError> {
        let op = ServiceOp::DbQuery {
            sql: sql.to_string(),
            params: to_values(params),
        };
        let value = call_blocking(ServiceKind::Database, &self.pool_id, op)?;
        Ok(DbResult {
            rows: rows_to_json(&self.pool_id, value)?,
        })
    }

    /// Runs a statement and returns the number of affected rows.
    pub fn execute(&self, sql: &str, params: &[&dyn SqlParam]) -> Result<u64, HandlerError> {
        let op = ServiceOp::DbExecute {
            sql: sql.to_string(),
            params: to_values(params),
        };
        match call_blocking(ServiceKind::Database, &self.pool_id, op)? {
            ServiceValue::Int(n) => Ok(u64::try_from(n).unwrap_or(0)),
            other => Err(unexpected(&self.pool_id, "a row count", &other)),
        }
    }
}

/// A Redis (or memcached) cache, by `pool_id`.
#[derive(Clone, Debug)]
pub struct RedisPool {
    /// Binding `pool_id` or service name.
    pub pool_id: String,
}

impl RedisPool {
    /// The value of a key, `None` when absent.
    pub fn get(&self, key: &str) -> Result<Option<String>, HandlerError> {
        match call_blocking(
            ServiceKind::Cache,
            &self.pool_id,
            ServiceOp::CacheGet { key: key.into() },
        )? {
            ServiceValue::Text(s) => Ok(Some(s)),
            ServiceValue::Unit => Ok(None),
            other => Err(unexpected(&self.pool_id, "text", &other)),
        }
    }

    /// Sets a key without expiry.
    pub fn set(&self, key: &str, value: &str) -> Result<(), HandlerError> {
        let op = ServiceOp::CacheSet {
            key: key.into(),
            value: value.into(),
            ttl_secs: None,
        };
        call_blocking(ServiceKind::Cache, &self.pool_id, op).map(drop)
    }

    /// Sets a key that expires after `ttl_secs` seconds.
    pub fn setex(&self, key: &str, value: &str, ttl_secs: u64) -> Result<(), HandlerError> {
        let op = ServiceOp::CacheSet {
            key: key.into(),
            value: value.into(),
            ttl_secs: Some(ttl_secs),
        };
        call_blocking(ServiceKind::Cache, &self.pool_id, op).map(drop)
    }

    /// Deletes a key; whether it existed.
    pub fn del(&self, key: &str) -> Result<bool, HandlerError> {
        match call_blocking(
            ServiceKind::Cache,
            &self.pool_id,
            ServiceOp::CacheDelete { key: key.into() },
        )? {
            ServiceValue::Bool(b) => Ok(b),
            other => Err(unexpected(&self.pool_id, "a boolean", &other)),
        }
    }
}

/// An FTP, FTPS or SFTP server, by `pool_id`.
#[derive(Clone, Debug)]
pub struct FtpPool {
    /// Binding `pool_id` or service name.
    pub pool_id: String,
}

impl FtpPool {
    /// Uploads a file.
    pub fn put(&self, path: &str, data: &[u8]) -> Result<(), HandlerError> {
        let op = ServiceOp::FilePut {
            path: path.into(),
            data: data.to_vec(),
        };
        call_blocking(ServiceKind::FileTransfer, &self.pool_id, op).map(drop)
    }

    /// Downloads a file.
    pub fn get(&self, path: &str) -> Result<Vec<u8>, HandlerError> {
        match call_blocking(
            ServiceKind::FileTransfer,
            &self.pool_id,
            ServiceOp::FileGet { path: path.into() },
        )? {
            ServiceValue::Bytes(b) => Ok(b),
            other => Err(unexpected(&self.pool_id, "bytes", &other)),
        }
    }

    /// Lists a directory.
    pub fn list(&self, dir: &str) -> Result<Vec<String>, HandlerError> {
        match call_blocking(
            ServiceKind::FileTransfer,
            &self.pool_id,
            ServiceOp::FileList { dir: dir.into() },
        )? {
            ServiceValue::Names(n) => Ok(n),
            other => Err(unexpected(&self.pool_id, "a listing", &other)),
        }
    }

    /// Deletes a file.
    pub fn delete(&self, path: &str) -> Result<(), HandlerError> {
        let op = ServiceOp::FileDelete { path: path.into() };
        call_blocking(ServiceKind::FileTransfer, &self.pool_id, op).map(drop)
    }
}

/// An SMTP server, by `pool_id`.
#[derive(Clone, Debug)]
pub struct EmailPool {
    /// Binding `pool_id` or service name.
    pub pool_id: String,
}

impl EmailPool {
    fn send_mail(&self, mail: crate::abi::host::Mail) -> Result<(), HandlerError> {
        call_blocking(ServiceKind::Email, &self.pool_id, ServiceOp::MailSend(mail)).map(drop)
    }

    /// Sends a plain-text mail from the service's default sender.
    pub fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), HandlerError> {
        self.send_mail(crate::services::mail(to, subject, body, false))
    }

    /// Sends an HTML mail.
    pub fn send_html(&self, to: &str, subject: &str, html: &str) -> Result<(), HandlerError> {
        self.send_mail(crate::services::mail(to, subject, html, true))
    }

    /// Sends a plain-text mail from another sender.
    pub fn send_from(
        &self,
        from: &str,
        from_name: &str,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), HandlerError> {
        self.send_mail(crate::services::mail_from(
            from, from_name, to, subject, body,
        ))
    }
}
