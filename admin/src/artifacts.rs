//! Where compiled handler libraries live between nodes (`--artifacts`).
//!
//! Every node installs libraries content-addressed in its own `<data-dir>/libs`
//! (`libhandler-<sha256 prefix>.so`), and that is all a single node needs. With
//! `--artifacts s3://BUCKET/PREFIX` the node that compiles also uploads each library to
//! `PREFIX/<fingerprint id>/<file name>`; a node that has to serve a library it does not
//! have downloads it from there, checks that the bytes hash to the name, and installs it.
//! A node only ever looks under its own ABI fingerprint's prefix, and the loader checks the
//! fingerprint again: a library of another ABI is never loaded.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rust_edge_gateway_sdk::abi::FINGERPRINT;
use s3::creds::Credentials;
use s3::{Bucket, Region};
use sha2::{Digest, Sha256};

/// Why an artifact could not be published or fetched.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    /// The `--artifacts` value is not understood.
    #[error("--artifacts {0}: expected empty (the data dir) or s3://BUCKET/PREFIX")]
    Url(String),
    /// The bucket client could not be made (region, credentials).
    #[error("artifact bucket: {0}")]
    Config(String),
    /// The bucket refused or could not be reached.
    #[error("artifact bucket {bucket}: {message}")]
    Bucket {
        /// The bucket.
        bucket: String,
        /// What failed.
        message: String,
    },
    /// The library is neither installed here nor in the bucket.
    #[error(
        "library {0} is not installed on this node and no artifact bucket has it (--artifacts)"
    )]
    Missing(String),
    /// Downloaded bytes do not hash to the library's name.
    #[error("artifact {key}: the downloaded bytes hash to {got}, not to its name; not installed")]
    Corrupt {
        /// The object key.
        key: String,
        /// The hash the bytes have.
        got: String,
    },
    /// Local files.
    #[error("installing artifact {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
}

static FETCH_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A short, stable id of an ABI fingerprint (the first 16 hex digits of its SHA-256): the
/// folder its libraries live under in the bucket.
pub fn fingerprint_id(fingerprint: &str) -> String {
    hex(&Sha256::digest(fingerprint.as_bytes()))[..16].to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The file name of a stored library path (the store keeps the path of the node that
/// installed it; every node finds the same file name under its own libs dir).
pub fn file_name(stored: &str) -> Option<&str> {
    let name = Path::new(stored).file_name()?.to_str()?;
    (name.starts_with("libhandler-") && name.ends_with(".so")).then_some(name)
}

/// The artifact store: this node's libs dir, plus the shared bucket when there is one.
#[derive(Debug)]
pub struct Artifacts {
    libs_dir: PathBuf,
    bucket: Option<Remote>,
}

#[derive(Debug)]
struct Remote {
    bucket: Box<Bucket>,
    prefix: String,
}

impl Artifacts {
    /// Libraries in `libs_dir` only (one node, or nodes that each build).
    pub fn local(libs_dir: &Path) -> Self {
        Artifacts {
            libs_dir: libs_dir.to_path_buf(),
            bucket: None,
        }
    }

    /// From `--artifacts`: none keeps libraries local; `s3://BUCKET/PREFIX` adds
    /// the bucket, reached with the standard AWS variables (`AWS_ENDPOINT_URL`,
    /// `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`). No request is made.
    pub fn from_url(url: Option<&str>, libs_dir: &Path) -> Result<Self, ArtifactError> {
        let Some(url) = url.filter(|u| !u.is_empty()) else {
            return Ok(Self::local(libs_dir));
        };
        let Some(rest) = url.strip_prefix("s3://") else {
            return Err(ArtifactError::Url(url.to_string()));
        };
        let (name, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if name.is_empty() {
            return Err(ArtifactError::Url(url.to_string()));
        }
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let region_name = env("AWS_REGION")
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".into());
        let region = match env("AWS_ENDPOINT_URL_S3").or_else(|| env("AWS_ENDPOINT_URL")) {
            Some(endpoint) => Region::Custom {
                region: region_name,
                endpoint: endpoint.trim_end_matches('/').to_string(),
            },
            None => region_name
                .parse()
                .map_err(|e| ArtifactError::Config(format!("AWS_REGION: {e}")))?,
        };
        let credentials = Credentials::from_env()
            .or_else(|_| Credentials::anonymous())
            .map_err(|e| ArtifactError::Config(e.to_string()))?;
        let mut bucket = Bucket::new(name, region.clone(), credentials)
            .map_err(|e| ArtifactError::Config(e.to_string()))?;
        if matches!(region, Region::Custom { .. }) {
            // S3-compatible servers (SeaweedFS, MinIO) address buckets by path.
            bucket = bucket.with_path_style();
        }
        bucket.set_request_timeout(Some(Duration::from_secs(30)));
        Ok(Artifacts {
            libs_dir: libs_dir.to_path_buf(),
            bucket: Some(Remote {
                bucket,
                prefix: prefix.trim_matches('/').to_string(),
            }),
        })
    }

    /// Whether libraries are shared through a bucket.
    pub fn is_shared(&self) -> bool {
        self.bucket.is_some()
    }

    /// Where a stored library is on this node.
    pub fn local_path(&self, stored: &str) -> PathBuf {
        match file_name(stored) {
            Some(name) => self.libs_dir.join(name),
            None => PathBuf::from(stored),
        }
    }

    fn key(remote: &Remote, fingerprint: &str, name: &str) -> String {
        let id = fingerprint_id(fingerprint);
        if remote.prefix.is_empty() {
            format!("{id}/{name}")
        } else {
            format!("{}/{id}/{name}", remote.prefix)
        }
    }

    fn bucket_error(remote: &Remote, e: impl std::fmt::Display) -> ArtifactError {
        ArtifactError::Bucket {
            bucket: remote.bucket.name(),
            message: e.to_string(),
        }
    }

    /// Uploads an installed library built with this node's ABI (nothing without a bucket,
    /// or when the bucket already has it).
    pub async fn publish(&self, library: &Path) -> Result<(), ArtifactError> {
        let Some(remote) = &self.bucket else {
            return Ok(());
        };
        let name = library
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| ArtifactError::Missing(library.display().to_string()))?;
        let key = Self::key(remote, FINGERPRINT, name);
        if remote.bucket.head_object(&key).await.is_ok() {
            return Ok(());
        }
        let bytes = tokio::fs::read(library)
            .await
            .map_err(|source| ArtifactError::Io {
                path: library.to_path_buf(),
                source,
            })?;
        remote
            .bucket
            .put_object_with_content_type(&key, &bytes, "application/octet-stream")
            .await
            .map_err(|e| Self::bucket_error(remote, e))?;
        tracing::info!(%key, bytes = bytes.len(), "handler library uploaded");
        Ok(())
    }

    /// The local path of a stored library of `fingerprint`, downloading it from the bucket
    /// when this node does not have it. Only libraries of this node's own ABI are fetched.
    pub async fn fetch(&self, stored: &str, fingerprint: &str) -> Result<PathBuf, ArtifactError> {
        let local = self.local_path(stored);
        if local.is_file() {
            return Ok(local);
        }
        let missing = || ArtifactError::Missing(stored.to_string());
        let (Some(remote), Some(name)) = (&self.bucket, file_name(stored)) else {
            return Err(missing());
        };
        if fingerprint != FINGERPRINT {
            return Err(missing());
        }
        let key = Self::key(remote, fingerprint, name);
        let data = remote
            .bucket
            .get_object(&key)
            .await
            .map_err(|e| Self::bucket_error(remote, e))?;
        let bytes = data.bytes();
        // The name carries the first 32 hex digits of the bytes' SHA-256.
        let got = hex(&Sha256::digest(bytes));
        let expected = name
            .strip_prefix("libhandler-")
            .and_then(|n| n.strip_suffix(".so"))
            .unwrap_or_default();
        if expected.is_empty() || !got.starts_with(expected) {
            return Err(ArtifactError::Corrupt { key, got });
        }
        let io = |source| ArtifactError::Io {
            path: local.clone(),
            source,
        };
        tokio::fs::create_dir_all(&self.libs_dir)
            .await
            .map_err(io)?;
        let seq = FETCH_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = self.libs_dir.join(format!(
            ".fetch-{}-{}-{seq}.tmp",
            &got[..16],
            std::process::id()
        ));
        tokio::fs::write(&tmp, bytes).await.map_err(io)?;
        if let Err(e) = tokio::fs::rename(&tmp, &local).await {
            let _ = tokio::fs::remove_file(&tmp).await;
            // Another fetch of the same library may have installed it meanwhile.
            if !local.is_file() {
                return Err(io(e));
            }
        }
        tracing::info!(%key, "handler library downloaded from the artifact bucket");
        Ok(local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_paths_resolve_under_this_nodes_libs_dir() {
        let a = Artifacts::local(Path::new("/data/b/libs"));
        assert_eq!(
            a.local_path("/data/a/libs/libhandler-0123abcd.so"),
            Path::new("/data/b/libs/libhandler-0123abcd.so")
        );
        assert_eq!(file_name("/x/other.so"), None);
        assert_eq!(fingerprint_id("x").len(), 16);
        assert_ne!(fingerprint_id("x"), fingerprint_id("y"));
    }

    #[test]
    fn artifact_urls() {
        let libs = Path::new("/l");
        assert!(!Artifacts::from_url(None, libs).expect("none").is_shared());
        assert!(!Artifacts::from_url(Some(""), libs)
            .expect("empty")
            .is_shared());
        assert!(Artifacts::from_url(Some("s3:/typo"), libs).is_err());
        assert!(Artifacts::from_url(Some("ftp://x"), libs).is_err());
        assert!(Artifacts::from_url(Some("s3:///p"), libs).is_err());
    }
}
