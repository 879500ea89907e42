//! [`FtpHandle`]: FTP, FTPS and SFTP through the file transfer service actor.

use super::{call, unexpected};
use crate::abi::host::{ServiceKind, ServiceOp, ServiceValue};
use crate::abi::CallScope;
use crate::HandlerError;

/// A file transfer service. Relative paths are resolved against the service's `base_path`.
#[derive(Clone, Debug)]
pub struct FtpHandle {
    scope: CallScope,
    name: String,
}

impl FtpHandle {
    pub(crate) fn new(scope: CallScope, name: &str) -> Self {
        FtpHandle {
            scope,
            name: name.to_string(),
        }
    }

    async fn run(&self, op: ServiceOp) -> Result<ServiceValue, HandlerError> {
        call(self.scope, ServiceKind::FileTransfer, &self.name, op).await
    }

    /// Uploads a file.
    pub async fn put(&self, path: &str, data: impl Into<Vec<u8>>) -> Result<(), HandlerError> {
        self.run(ServiceOp::FilePut {
            path: path.to_string(),
            data: data.into(),
        })
        .await
        .map(drop)
    }

    /// Downloads a file.
    pub async fn get(&self, path: &str) -> Result<Vec<u8>, HandlerError> {
        match self
            .run(ServiceOp::FileGet {
                path: path.to_string(),
            })
            .await?
        {
            ServiceValue::Bytes(b) => Ok(b),
            other => Err(unexpected(&self.name, "bytes", &other)),
        }
    }

    /// Lists a directory (names only).
    pub async fn list(&self, dir: &str) -> Result<Vec<String>, HandlerError> {
        match self
            .run(ServiceOp::FileList {
                dir: dir.to_string(),
            })
            .await?
        {
            ServiceValue::Names(n) => Ok(n),
            other => Err(unexpected(&self.name, "a listing", &other)),
        }
    }

    /// Deletes a file.
    pub async fn delete(&self, path: &str) -> Result<(), HandlerError> {
        self.run(ServiceOp::FileDelete {
            path: path.to_string(),
        })
        .await
        .map(drop)
    }
}
