//! TLS certificates: parsed from PEM (chain + key, names from the leaf's SANs), kept in
//! `<data-dir>/certificates/<id>.pem` and `<id>.key` (0600 under the process umask),
//! read from `--tls-cert-dir` too, and published to the dataplane's
//! [`CertStore`](rust_edge_gateway_dataplane::tls::CertStore) as one set.
//!
//! `--tls-cert-dir` is polled every [`POLL_EVERY`] from the tokio side: a change in the
//! list of pairs or in a file's mtime or size reloads them all. It holds `name.pem` with
//! `name.key`, or per subdirectory `fullchain.pem` + `privkey.pem` (certbot's `live/<name>/`)
//! or `tls.crt` + `tls.key` (a Kubernetes TLS secret). A pair that does not parse is logged
//! and skipped; the others serve.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use rust_edge_gateway_dataplane::tls::{self, CertStore};
use rustls::pki_types::CertificateDer;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How often `--tls-cert-dir` is looked at.
pub const POLL_EVERY: Duration = Duration::from_secs(3);

/// Why a certificate was refused.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    /// No `CERTIFICATE` block in `cert_pem`.
    #[error("cert_pem holds no PEM CERTIFICATE block")]
    NoCertificate,
    /// The PEM framing of `cert_pem` is broken.
    #[error("cert_pem is not valid PEM: {0}")]
    CertPem(std::io::Error),
    /// No private key block in `key_pem`.
    #[error("key_pem holds no PEM private key (PKCS#8, PKCS#1 or SEC1)")]
    NoKey,
    /// The PEM framing of `key_pem` is broken.
    #[error("key_pem is not valid PEM: {0}")]
    KeyPem(std::io::Error),
    /// The leaf is not a readable X.509 certificate.
    #[error("the first certificate in cert_pem is not valid X.509: {0}")]
    X509(String),
    /// The leaf names no DNS name.
    #[error("the certificate has no DNS names in its subjectAltName extension")]
    NoNames,
    /// The key does not belong to the leaf, or rustls cannot use it.
    #[error("key_pem does not match the certificate: {0}")]
    KeyMismatch(String),
    /// Reading or writing the files.
    #[error("certificate files: {0}")]
    Io(#[from] std::io::Error),
}

/// Where a certificate came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `POST /api/certificates`.
    Api,
    /// A pair in `--tls-cert-dir` (the certificate file's path).
    File(PathBuf),
}

/// A parsed certificate: what the API shows, and the key the dataplane serves.
#[derive(Debug, Clone, Serialize)]
pub struct CertInfo {
    /// The first 16 hex digits of the fingerprint (`file:<name>` for files).
    pub id: String,
    /// DNS names from the subjectAltName extension, lower-case.
    pub names: Vec<String>,
    /// Start of validity (RFC 3339, UTC).
    pub not_before: String,
    /// End of validity (RFC 3339, UTC).
    pub not_after: String,
    /// SHA-256 of the leaf's DER, hex.
    pub fingerprint: String,
    /// The leaf's serial number, hex.
    pub serial: String,
    /// Certificates in the chain, the leaf included.
    pub chain_len: usize,
    /// Where it came from.
    pub source: Source,
    #[serde(skip)]
    not_before_unix: i64,
    #[serde(skip)]
    not_after_unix: i64,
    #[serde(skip)]
    key: Arc<rustls::sign::CertifiedKey>,
}

impl CertInfo {
    /// End of validity, seconds since the Unix epoch.
    pub fn not_after_unix(&self) -> i64 {
        self.not_after_unix
    }

    /// The chain and signing key, as rustls serves them.
    pub fn certified_key(&self) -> Arc<rustls::sign::CertifiedKey> {
        Arc::clone(&self.key)
    }

    fn served(&self) -> tls::Certificate {
        tls::Certificate {
            id: self.id.clone(),
            names: self.names.clone(),
            not_before: self.not_before_unix,
            not_after: self.not_after_unix,
            key: Arc::clone(&self.key),
        }
    }
}

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses a chain (leaf first) and its key; checks the key belongs to the leaf.
pub fn parse(cert_pem: &str, key_pem: &str, source: Source) -> Result<CertInfo, CertError> {
    let chain: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(CertError::CertPem)?;
    let leaf = chain.first().ok_or(CertError::NoCertificate)?.clone();
    let key = rustls_pemfile::private_key(&mut key_pem.as_bytes())
        .map_err(CertError::KeyPem)?
        .ok_or(CertError::NoKey)?;
    let (_, x509) =
        x509_parser::parse_x509_certificate(&leaf).map_err(|e| CertError::X509(e.to_string()))?;
    let mut names: Vec<String> = x509
        .subject_alternative_name()
        .map_err(|e| CertError::X509(e.to_string()))?
        .map(|san| {
            san.value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    x509_parser::extensions::GeneralName::DNSName(d) => {
                        Some(d.to_ascii_lowercase())
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    names.dedup();
    if names.is_empty() {
        return Err(CertError::NoNames);
    }
    let not_before = x509.validity().not_before.timestamp();
    let not_after = x509.validity().not_after.timestamp();
    // DER keeps a leading zero byte on serials whose top bit is set; openssl and
    // browsers show the number without it.
    let raw = x509.raw_serial();
    let significant = raw
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(raw.len().saturating_sub(1));
    let serial = hex(&raw[significant..]);
    let fingerprint = hex(&Sha256::digest(leaf.as_ref()));
    let chain_len = chain.len();
    let key = tls::certified_key(chain, key).map_err(|e| CertError::KeyMismatch(e.to_string()))?;
    let id = match &source {
        Source::Api => fingerprint[..16].to_string(),
        Source::File(p) => format!("file:{}", p.display()),
    };
    Ok(CertInfo {
        id,
        names,
        not_before: rfc3339(not_before),
        not_after: rfc3339(not_after),
        fingerprint,
        serial,
        chain_len,
        source,
        not_before_unix: not_before,
        not_after_unix: not_after,
        key,
    })
}

/// The certificates the gateway serves: those added through the API and those in
/// `--tls-cert-dir`, published together to the dataplane.
#[derive(Debug)]
pub struct Certificates {
    dir: PathBuf,
    store: Arc<CertStore>,
    api: Mutex<Vec<CertInfo>>,
    files: Mutex<Vec<CertInfo>>,
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn valid_id(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Certificates {
    /// Loads the API's certificates from `<data_dir>/certificates` and publishes them.
    /// A stored pair that no longer parses is logged and left out.
    pub fn open(data_dir: &Path, store: Arc<CertStore>) -> Result<Self, CertError> {
        let dir = data_dir.join("certificates");
        std::fs::create_dir_all(&dir)?;
        let mut api = Vec::new();
        for entry in std::fs::read_dir(&dir)?.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "pem") {
                continue;
            }
            match read_pair(&path, &path.with_extension("key"), Source::Api) {
                Ok(c) => api.push(c),
                Err(e) => tracing::warn!("certificate {} skipped: {e}", path.display()),
            }
        }
        let me = Certificates {
            dir,
            store,
            api: Mutex::new(api),
            files: Mutex::default(),
        };
        me.publish();
        Ok(me)
    }

    fn publish(&self) {
        let mut all: Vec<tls::Certificate> =
            locked(&self.api).iter().map(CertInfo::served).collect();
        all.extend(locked(&self.files).iter().map(CertInfo::served));
        self.store.replace(all);
    }

    /// Every certificate, API ones first.
    pub fn list(&self) -> Vec<CertInfo> {
        let mut all = locked(&self.api).clone();
        all.extend(locked(&self.files).iter().cloned());
        all
    }

    /// One certificate by id.
    pub fn get(&self, id: &str) -> Option<CertInfo> {
        self.list().into_iter().find(|c| c.id == id)
    }

    /// Parses, stores and serves a certificate (the same certificate again is a no-op).
    pub fn add(&self, cert_pem: &str, key_pem: &str) -> Result<CertInfo, CertError> {
        let cert = parse(cert_pem, key_pem, Source::Api)?;
        let base = self.dir.join(&cert.id);
        write_private(&base.with_extension("key"), key_pem)?;
        write_private(&base.with_extension("pem"), cert_pem)?;
        {
            let mut api = locked(&self.api);
            api.retain(|c| c.id != cert.id);
            api.push(cert.clone());
        }
        self.publish();
        tracing::info!(id = %cert.id, names = ?cert.names, "certificate added");
        Ok(cert)
    }

    /// The chain and key PEM of an API certificate, as uploaded.
    pub fn pem_pair(&self, id: &str) -> Option<(String, String)> {
        if !valid_id(id) {
            return None;
        }
        let base = self.dir.join(id);
        let cert = std::fs::read_to_string(base.with_extension("pem")).ok()?;
        let key = std::fs::read_to_string(base.with_extension("key")).ok()?;
        Some((cert, key))
    }

    /// Stops serving and deletes an API certificate; `false` when there is none by that id.
    pub fn delete(&self, id: &str) -> Result<bool, CertError> {
        if !valid_id(id) {
            return Ok(false);
        }
        let found = {
            let mut api = locked(&self.api);
            let before = api.len();
            api.retain(|c| c.id != id);
            api.len() != before
        };
        if found {
            self.publish();
            let base = self.dir.join(id);
            for ext in ["pem", "key"] {
                match std::fs::remove_file(base.with_extension(ext)) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
        }
        Ok(found)
    }

    /// Reloads the pairs in `dir` (see the module docs) and serves them.
    pub fn load_files(&self, dir: &Path) {
        let mut found = Vec::new();
        for (cert, key) in pairs(dir) {
            match read_pair(&cert, &key, Source::File(cert.clone())) {
                Ok(c) => found.push(c),
                Err(e) => tracing::warn!("certificate {} skipped: {e}", cert.display()),
            }
        }
        tracing::info!(dir = %dir.display(), certificates = found.len(), "certificate files loaded");
        *locked(&self.files) = found;
        self.publish();
    }

    /// Polls `dir` every [`POLL_EVERY`] and reloads it when a pair changed (call
    /// [`Certificates::load_files`] once first).
    pub async fn watch(self: Arc<Self>, dir: PathBuf) {
        let mut seen = signature(&dir);
        loop {
            tokio::time::sleep(POLL_EVERY).await;
            let now = {
                let dir = dir.clone();
                tokio::task::spawn_blocking(move || signature(&dir))
                    .await
                    .unwrap_or_default()
            };
            if now != seen {
                seen = now;
                let me = Arc::clone(&self);
                let dir = dir.clone();
                let _ = tokio::task::spawn_blocking(move || me.load_files(&dir)).await;
            }
        }
    }
}

fn read_pair(cert: &Path, key: &Path, source: Source) -> Result<CertInfo, CertError> {
    let cert_pem = std::fs::read_to_string(cert)?;
    let key_pem = std::fs::read_to_string(key)?;
    parse(&cert_pem, &key_pem, source)
}

/// Writes `text` to `path` through a temporary file and a rename, mode 0600.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// The (certificate, key) pairs in `dir`.
fn pairs(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            for (c, k) in [("fullchain.pem", "privkey.pem"), ("tls.crt", "tls.key")] {
                let (c, k) = (p.join(c), p.join(k));
                if c.is_file() && k.is_file() {
                    out.push((c, k));
                    break;
                }
            }
        } else if p.extension().is_some_and(|e| e == "pem") {
            let k = p.with_extension("key");
            if k.is_file() {
                out.push((p, k));
            }
        }
    }
    out
}

/// What changes when a pair is added, removed or rewritten: paths, mtimes, sizes
/// (symbolic links followed, as certbot's `live/` links point into `archive/`).
fn signature(dir: &Path) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    pairs(dir)
        .into_iter()
        .flat_map(|(c, k)| [c, k])
        .map(|p| {
            let meta = std::fs::metadata(&p).ok();
            let mtime = meta.as_ref().and_then(|m| m.modified().ok());
            let len = meta.map_or(0, |m| m.len());
            (p, mtime, len)
        })
        .collect()
}
