//! [`StorageHandle`]: object storage (MinIO, S3) through its service actor.

use serde::Serialize;

use super::{call, unexpected};
use crate::abi::host::{ServiceKind, ServiceOp, ServiceValue};
use crate::abi::CallScope;
use crate::HandlerError;

/// An object in a listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectInfo {
    /// Object key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification time (RFC 3339), when known.
    pub last_modified: Option<String>,
}

/// An object storage service.
#[derive(Clone, Debug)]
pub struct StorageHandle {
    scope: CallScope,
    name: String,
}

impl StorageHandle {
    pub(crate) fn new(scope: CallScope, name: &str) -> Self {
        StorageHandle {
            scope,
            name: name.to_string(),
        }
    }

    async fn run(&self, op: ServiceOp) -> Result<ServiceValue, HandlerError> {
        call(self.scope, ServiceKind::ObjectStorage, &self.name, op).await
    }

    /// Stores an object (content type guessed from the key's extension).
    pub async fn put(&self, key: &str, data: impl Into<Vec<u8>>) -> Result<(), HandlerError> {
        let op = ServiceOp::ObjectPut {
            key: key.to_string(),
            data: data.into(),
            content_type: None,
        };
        self.run(op).await.map(drop)
    }

    /// Stores an object with an explicit content type.
    pub async fn put_with_type(
        &self,
        key: &str,
        data: impl Into<Vec<u8>>,
        content_type: &str,
    ) -> Result<(), HandlerError> {
        let op = ServiceOp::ObjectPut {
            key: key.to_string(),
            data: data.into(),
            content_type: Some(content_type.to_string()),
        };
        self.run(op).await.map(drop)
    }

    /// Fetches an object; `None` when it does not exist.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, HandlerError> {
        match self
            .run(ServiceOp::ObjectGet {
                key: key.to_string(),
            })
            .await?
        {
            ServiceValue::Bytes(b) => Ok(Some(b)),
            ServiceValue::Unit => Ok(None),
            other => Err(unexpected(&self.name, "bytes", &other)),
        }
    }

    /// Lists the objects whose key starts with `prefix`.
    pub async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, HandlerError> {
        match self
            .run(ServiceOp::ObjectList {
                prefix: prefix.to_string(),
            })
            .await?
        {
            ServiceValue::Objects(list) => Ok(list
                .into_iter()
                .map(|o| ObjectInfo {
                    key: o.key,
                    size: o.size,
                    last_modified: o.last_modified,
                })
                .collect()),
            other => Err(unexpected(&self.name, "an object listing", &other)),
        }
    }

    /// Deletes an object.
    pub async fn delete(&self, key: &str) -> Result<(), HandlerError> {
        self.run(ServiceOp::ObjectDelete {
            key: key.to_string(),
        })
        .await
        .map(drop)
    }

    /// A URL that lets a client GET the object directly for `expires_secs` seconds.
    pub async fn presigned_url(
        &self,
        key: &str,
        expires_secs: u64,
    ) -> Result<String, HandlerError> {
        let op = ServiceOp::ObjectPresign {
            key: key.to_string(),
            expires_secs,
        };
        match self.run(op).await? {
            ServiceValue::Text(url) => Ok(url),
            other => Err(unexpected(&self.name, "a URL", &other)),
        }
    }
}
