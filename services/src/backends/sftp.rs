//! SFTP through russh + russh-sftp, with password or private-key login. One SSH session,
//! reopened after a failure.

use std::sync::Arc;
use std::time::Duration;

use russh::client;
use russh::keys::{load_secret_key, PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use russh_sftp::client::error::Error as SftpError;
use russh_sftp::client::SftpSession;
use russh_sftp::protocol::{OpenFlags, StatusCode};
use rust_edge_gateway_sdk::abi::host::{
    FaultKind, ServiceFault, ServiceKind, ServiceOp, ServiceResult, ServiceValue,
};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

use super::keys::{parent_dirs, remote_path};
use crate::actor::{Backend, BoxFut};
use crate::config::FtpConfig;
use crate::error::{backend, fault, unavailable};

/// Accepts the server's host key. The key is not pinned: a `known_hosts` check is not part
/// of the documented config.
struct AcceptHostKey;

impl client::Handler for AcceptHostKey {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

struct Session {
    _ssh: client::Handle<AcceptHostKey>,
    sftp: SftpSession,
}

/// One SFTP server.
pub(crate) struct SftpBackend {
    config: FtpConfig,
    session: Mutex<Option<Session>>,
}

fn sftp_fault(e: SftpError) -> ServiceFault {
    match &e {
        SftpError::Status(s) if s.status_code == StatusCode::NoSuchFile => {
            fault(FaultKind::NotFound, format!("SFTP: {e}"))
        }
        SftpError::Status(_) => backend(format!("SFTP: {e}")),
        _ => unavailable(format!("SFTP server unreachable: {e}")),
    }
}

impl SftpBackend {
    /// Connects on first use.
    pub(crate) fn new(c: &FtpConfig) -> Self {
        SftpBackend {
            config: c.clone(),
            session: Mutex::new(None),
        }
    }

    async fn open(&self) -> Result<Session, String> {
        let c = &self.config;
        let config = client::Config {
            inactivity_timeout: Some(Duration::from_secs(300)),
            ..client::Config::default()
        };
        let mut ssh = client::connect(Arc::new(config), (c.host.as_str(), c.port()), AcceptHostKey)
            .await
            .map_err(|e| format!("SFTP connect to {}:{}: {e}", c.host, c.port()))?;
        let authenticated = if let Some(key_path) = &c.private_key_path {
            let key = load_secret_key(key_path, c.password.as_deref())
                .map_err(|e| format!("SFTP private key {key_path}: {e}"))?;
            let hash = ssh
                .best_supported_rsa_hash()
                .await
                .map_err(|e| e.to_string())?
                .flatten();
            ssh.authenticate_publickey(&c.username, PrivateKeyWithHashAlg::new(Arc::new(key), hash))
                .await
                .map_err(|e| e.to_string())?
                .success()
        } else {
            ssh.authenticate_password(&c.username, c.password.as_deref().unwrap_or_default())
                .await
                .map_err(|e| e.to_string())?
                .success()
        };
        if !authenticated {
            return Err(format!("SFTP login as {} refused", c.username));
        }
        let channel = ssh
            .channel_open_session()
            .await
            .map_err(|e| e.to_string())?;
        channel
            .request_subsystem(true, "sftp")
            .await
            .map_err(|e| e.to_string())?;
        let sftp = SftpSession::new(channel.into_stream())
            .await
            .map_err(|e| e.to_string())?;
        sftp.set_timeout(c.timeout_seconds.max(1));
        Ok(Session { _ssh: ssh, sftp })
    }

    async fn exec(&self, op: ServiceOp) -> ServiceResult {
        let base = self.config.base_path.as_deref();
        let path = |p: &str| remote_path(base, p).map_err(|m| fault(FaultKind::Invalid, m));
        let target = match &op {
            ServiceOp::FilePut { path: p, .. }
            | ServiceOp::FileGet { path: p }
            | ServiceOp::FileDelete { path: p } => path(p)?,
            ServiceOp::FileList { dir } => path(if dir.is_empty() { "." } else { dir })?,
            ServiceOp::Resolve(ServiceKind::FileTransfer) => ".".into(),
            other => {
                return Err(fault(
                    FaultKind::Internal,
                    format!("an SFTP service cannot run {other:?}"),
                ))
            }
        };
        let mut slot = self.session.lock().await;
        if slot.is_none() {
            *slot = Some(self.open().await.map_err(unavailable)?);
        }
        let Some(s) = slot.as_ref() else {
            return Err(fault(FaultKind::Internal, "SFTP session missing"));
        };
        // Give up a little before the actor's own timeout, so that a stalled session is
        // reset here rather than kept by a cancelled operation.
        let limit = std::time::Duration::from_secs(self.config.timeout_seconds.max(1))
            .saturating_sub(std::time::Duration::from_millis(50));
        let result = match tokio::time::timeout(limit, run_op(&s.sftp, op, &target)).await {
            Ok(r) => r,
            Err(_) => {
                *slot = None;
                return Err(fault(
                    FaultKind::Timeout,
                    format!(
                        "SFTP server did not answer within {} s",
                        self.config.timeout_seconds
                    ),
                ));
            }
        };
        if let Err(e) = &result {
            if !matches!(e, SftpError::Status(_)) {
                *slot = None;
            }
        }
        result.map_err(sftp_fault)
    }
}

async fn mkdirs(sftp: &SftpSession, path: &str) {
    for dir in parent_dirs(path) {
        if !sftp.try_exists(dir.clone()).await.unwrap_or(false) {
            let _ = sftp.create_dir(dir).await;
        }
    }
}

async fn write(sftp: &SftpSession, target: &str, data: &[u8]) -> Result<(), SftpError> {
    let mut f = sftp
        .open_with_flags(
            target,
            OpenFlags::CREATE | OpenFlags::TRUNCATE | OpenFlags::WRITE,
        )
        .await?;
    f.write_all(data)
        .await
        .map_err(|e| SftpError::IO(e.to_string()))?;
    f.shutdown()
        .await
        .map_err(|e| SftpError::IO(e.to_string()))?;
    Ok(())
}

async fn run_op(
    sftp: &SftpSession,
    op: ServiceOp,
    target: &str,
) -> Result<ServiceValue, SftpError> {
    Ok(match op {
        ServiceOp::FilePut { data, .. } => {
            if let Err(e) = write(sftp, target, &data).await {
                if !matches!(&e, SftpError::Status(s) if s.status_code == StatusCode::NoSuchFile) {
                    return Err(e);
                }
                mkdirs(sftp, target).await;
                write(sftp, target, &data).await?;
            }
            ServiceValue::Unit
        }
        ServiceOp::FileGet { .. } => ServiceValue::Bytes(sftp.read(target).await?),
        ServiceOp::FileList { .. } => ServiceValue::Names(
            sftp.read_dir(target)
                .await?
                .map(|e| e.file_name())
                .filter(|n| n != "." && n != "..")
                .collect(),
        ),
        ServiceOp::FileDelete { .. } => {
            sftp.remove_file(target).await?;
            ServiceValue::Unit
        }
        _ => {
            sftp.canonicalize(target).await?;
            ServiceValue::Unit
        }
    })
}

impl Backend for SftpBackend {
    fn run(self: Arc<Self>, op: ServiceOp) -> BoxFut<ServiceResult> {
        Box::pin(async move { self.exec(op).await })
    }

    fn ping(self: Arc<Self>) -> BoxFut<Result<(), String>> {
        Box::pin(async move {
            self.exec(ServiceOp::Resolve(ServiceKind::FileTransfer))
                .await
                .map(drop)
                .map_err(|f| f.message)
        })
    }
}
