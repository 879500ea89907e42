//! [`Context`]: the handler's door to the gateway's service actors.

use crate::abi::host::{ServiceKind, ServiceOp};
use crate::abi::CallScope;
use crate::services::{call, CacheHandle, DatabaseHandle, EmailHandle, FtpHandle, StorageHandle};
use crate::HandlerError;

/// Access to the services bound to this endpoint, by `pool_id` or service name.
///
/// Each accessor asks the gateway whether the named service exists, is of the right kind
/// and is active, and returns a handle whose calls travel to the service's actor as
/// messages. A name the gateway does not know gives a 500 naming it; a service that is down
/// gives `ServiceUnavailable` (503) with the reason.
#[derive(Clone, Debug)]
pub struct Context {
    scope: CallScope,
}

impl Context {
    /// Built by the gateway for each call. Not for handler code.
    #[doc(hidden)]
    pub fn __from_scope(scope: CallScope) -> Self {
        Context { scope }
    }

    /// The call scope (host vtable and endpoint scope). Not for handler code.
    #[doc(hidden)]
    pub fn scope(&self) -> CallScope {
        self.scope
    }

    /// The endpoint's variable or secret `name` (configured on the endpoint through the
    /// management API, without recompiling), or `None` when it has none of that name.
    ///
    /// ```ignore
    /// let key = ctx.var("API_KEY").ok_or("API_KEY is not set")?; // a 500 when missing
    /// ```
    pub fn var(&self, name: &str) -> Option<String> {
        (self.scope.host.var)(self.scope.scope, name)
    }

    async fn resolve(&self, name: &str, kind: ServiceKind) -> Result<(), HandlerError> {
        call(self.scope, kind, name, ServiceOp::Resolve(kind))
            .await
            .map(drop)
    }

    /// A SQL database (SQLite, PostgreSQL, MySQL).
    pub async fn database(&self, name: &str) -> Result<DatabaseHandle, HandlerError> {
        self.resolve(name, ServiceKind::Database).await?;
        Ok(DatabaseHandle::new(self.scope, name))
    }

    /// A key-value cache (Redis, memcached).
    pub async fn cache(&self, name: &str) -> Result<CacheHandle, HandlerError> {
        self.resolve(name, ServiceKind::Cache).await?;
        Ok(CacheHandle::new(self.scope, name))
    }

    /// Object storage (MinIO, S3).
    pub async fn storage(&self, name: &str) -> Result<StorageHandle, HandlerError> {
        self.resolve(name, ServiceKind::ObjectStorage).await?;
        Ok(StorageHandle::new(self.scope, name))
    }

    /// SMTP email.
    pub async fn email(&self, name: &str) -> Result<EmailHandle, HandlerError> {
        self.resolve(name, ServiceKind::Email).await?;
        Ok(EmailHandle::new(self.scope, name))
    }

    /// File transfer (FTP, FTPS, SFTP).
    pub async fn ftp(&self, name: &str) -> Result<FtpHandle, HandlerError> {
        self.resolve(name, ServiceKind::FileTransfer).await?;
        Ok(FtpHandle::new(self.scope, name))
    }
}
