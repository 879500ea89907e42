//! MinIO / S3 through rust-s3. Path-style addressing by default (MinIO, SeaweedFS and most
//! custom endpoints need it); the bucket is created on activation when missing.

use std::sync::Arc;
use std::time::Duration;

use rust_edge_gateway_sdk::abi::host::{
    FaultKind, ObjectEntry, ServiceOp, ServiceResult, ServiceValue,
};
use s3::creds::Credentials;
use s3::error::S3Error;
use s3::{Bucket, BucketConfiguration, Region};

use super::keys::check_object_key;
use crate::actor::{Backend, BoxFut};
use crate::config::MinioConfig;
use crate::error::{backend, fault, unavailable, ServiceError};

/// One bucket.
pub(crate) struct S3Backend {
    bucket: Box<Bucket>,
    region: Region,
    credentials: Credentials,
    path_style: bool,
}

fn s3_fault(e: S3Error) -> rust_edge_gateway_sdk::abi::host::ServiceFault {
    match &e {
        S3Error::Reqwest(r) if r.is_connect() || r.is_timeout() => {
            unavailable(format!("object storage unreachable: {e}"))
        }
        S3Error::Io(_) => unavailable(format!("object storage unreachable: {e}")),
        S3Error::HttpFailWithBody(code, body) if *code >= 500 => {
            unavailable(format!("object storage answered {code}: {body}"))
        }
        S3Error::HttpFailWithBody(code, body) => {
            backend(format!("object storage answered {code}: {body}"))
        }
        _ => backend(e),
    }
}

fn is_not_found(e: &S3Error) -> bool {
    matches!(e, S3Error::HttpFailWithBody(404, _))
}

impl S3Backend {
    /// The bucket handle (no request is made).
    pub(crate) fn new(c: &MinioConfig) -> Result<Self, ServiceError> {
        let endpoint = if c.endpoint.starts_with("http://") || c.endpoint.starts_with("https://") {
            c.endpoint.trim_end_matches('/').to_string()
        } else {
            let scheme = if c.use_ssl { "https" } else { "http" };
            format!("{scheme}://{}", c.endpoint.trim_end_matches('/'))
        };
        let region = Region::Custom {
            region: c.region.clone(),
            endpoint,
        };
        let credentials =
            Credentials::new(Some(&c.access_key), Some(&c.secret_key), None, None, None).map_err(
                |e| ServiceError::Config {
                    service_type: "minio".into(),
                    message: e.to_string(),
                },
            )?;
        let mut bucket =
            Bucket::new(&c.bucket, region.clone(), credentials.clone()).map_err(|e| {
                ServiceError::Config {
                    service_type: "minio".into(),
                    message: e.to_string(),
                }
            })?;
        if c.path_style {
            bucket = bucket.with_path_style();
        }
        bucket.set_request_timeout(Some(Duration::from_secs(c.timeout_seconds.max(1))));
        Ok(S3Backend {
            bucket,
            region,
            credentials,
            path_style: c.path_style,
        })
    }

    /// Creates the bucket when it does not exist.
    async fn ensure_bucket(&self) -> Result<(), String> {
        match self.bucket.list(String::new(), Some("/".into())).await {
            Ok(_) => return Ok(()),
            Err(e) if is_not_found(&e) => {}
            Err(e) => return Err(s3_fault(e).message),
        }
        let name = self.bucket.name();
        let config = BucketConfiguration::default();
        let created = if self.path_style {
            Bucket::create_with_path_style(
                &name,
                self.region.clone(),
                self.credentials.clone(),
                config,
            )
            .await
        } else {
            Bucket::create(&name, self.region.clone(), self.credentials.clone(), config).await
        };
        match created {
            Ok(r) if r.success() || r.response_code == 409 => {
                tracing::info!(bucket = %name, "bucket created");
                Ok(())
            }
            Ok(r) => Err(format!(
                "creating bucket {name}: HTTP {} {}",
                r.response_code, r.response_text
            )),
            Err(e) => Err(format!("creating bucket {name}: {}", s3_fault(e).message)),
        }
    }

    async fn exec(&self, op: ServiceOp) -> ServiceResult {
        let checked = |key: &str| check_object_key(key).map_err(|m| fault(FaultKind::Invalid, m));
        Ok(match op {
            ServiceOp::ObjectPut {
                key,
                data,
                content_type,
            } => {
                checked(&key)?;
                let ct = content_type.unwrap_or_else(|| {
                    mime_guess::from_path(&key)
                        .first_or_octet_stream()
                        .essence_str()
                        .to_string()
                });
                self.bucket
                    .put_object_with_content_type(&key, &data, &ct)
                    .await
                    .map_err(s3_fault)?;
                ServiceValue::Unit
            }
            ServiceOp::ObjectGet { key } => {
                checked(&key)?;
                match self.bucket.get_object(&key).await {
                    Ok(r) => ServiceValue::Bytes(r.to_vec()),
                    Err(e) if is_not_found(&e) => ServiceValue::Unit,
                    Err(e) => return Err(s3_fault(e)),
                }
            }
            ServiceOp::ObjectList { prefix } => {
                let pages = self.bucket.list(prefix, None).await.map_err(s3_fault)?;
                ServiceValue::Objects(
                    pages
                        .into_iter()
                        .flat_map(|p| p.contents)
                        .map(|o| ObjectEntry {
                            key: o.key,
                            size: o.size,
                            last_modified: Some(o.last_modified),
                        })
                        .collect(),
                )
            }
            ServiceOp::ObjectDelete { key } => {
                checked(&key)?;
                self.bucket.delete_object(&key).await.map_err(s3_fault)?;
                ServiceValue::Unit
            }
            ServiceOp::ObjectPresign { key, expires_secs } => {
                checked(&key)?;
                let secs = u32::try_from(expires_secs).unwrap_or(u32::MAX);
                let url = self
                    .bucket
                    .presign_get(&key, secs, None)
                    .await
                    .map_err(|e| fault(FaultKind::Invalid, e.to_string()))?;
                ServiceValue::Text(url)
            }
            other => {
                return Err(fault(
                    FaultKind::Internal,
                    format!("an object storage service cannot run {other:?}"),
                ))
            }
        })
    }
}

impl Backend for S3Backend {
    fn run(self: Arc<Self>, op: ServiceOp) -> BoxFut<ServiceResult> {
        Box::pin(async move { self.exec(op).await })
    }

    fn ping(self: Arc<Self>) -> BoxFut<Result<(), String>> {
        Box::pin(async move { self.ensure_bucket().await })
    }
}
