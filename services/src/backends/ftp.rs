//! FTP and FTPS (explicit TLS) through suppaftp. suppaftp is synchronous, so each operation
//! runs on the blocking pool with the one control connection, which is reopened after a
//! failure. Parent directories are created on upload.

use std::io::Cursor;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rust_edge_gateway_sdk::abi::host::{
    FaultKind, ServiceFault, ServiceOp, ServiceResult, ServiceValue,
};
use suppaftp::{FtpError, ImplFtpStream, Mode, RustlsConnector, RustlsFtpStream, TlsStream};

use super::keys::{parent_dirs, remote_path};
use crate::actor::{Backend, BoxFut};
use crate::config::FtpConfig;
use crate::error::{backend, fault, unavailable, ServiceError};

enum Conn {
    Plain(suppaftp::FtpStream),
    Tls(RustlsFtpStream),
}

/// One FTP/FTPS server.
pub(crate) struct FtpBackend {
    config: FtpConfig,
    tls: Option<Arc<rustls::ClientConfig>>,
    conn: Arc<Mutex<Option<Conn>>>,
}

fn ftp_fault(e: &FtpError) -> ServiceFault {
    match e {
        FtpError::ConnectionError(_) | FtpError::SecureError(_) => {
            unavailable(format!("FTP server unreachable: {e}"))
        }
        FtpError::UnexpectedResponse(r) if r.status.code() == 550 => fault(
            FaultKind::NotFound,
            format!("FTP: {}", String::from_utf8_lossy(&r.body).trim()),
        ),
        FtpError::UnexpectedResponse(r) if r.status.code() == 421 => unavailable(format!(
            "FTP server closed the connection: {}",
            String::from_utf8_lossy(&r.body).trim()
        )),
        _ => backend(format!("FTP: {e}")),
    }
}

impl FtpBackend {
    /// Connects on first use.
    pub(crate) fn new(c: &FtpConfig) -> Result<Self, ServiceError> {
        let tls = if c.protocol == crate::config::FtpProtocol::Ftps {
            Some(
                super::tls::client_config(c.ca_cert_path.as_deref()).map_err(|m| {
                    ServiceError::Config {
                        service_type: "ftp".into(),
                        message: m,
                    }
                })?,
            )
        } else {
            None
        };
        Ok(FtpBackend {
            config: c.clone(),
            tls,
            conn: Arc::new(Mutex::new(None)),
        })
    }
}

fn open(c: &FtpConfig, tls: Option<&Arc<rustls::ClientConfig>>) -> Result<Conn, FtpError> {
    let timeout = Duration::from_secs(c.timeout_seconds.max(1));
    let addr = (c.host.as_str(), c.port())
        .to_socket_addrs()
        .map_err(FtpError::ConnectionError)?
        .next()
        .ok_or_else(|| {
            FtpError::ConnectionError(std::io::Error::other(format!(
                "{} does not resolve",
                c.host
            )))
        })?;
    let tcp = TcpStream::connect_timeout(&addr, timeout).map_err(FtpError::ConnectionError)?;
    tcp.set_read_timeout(Some(timeout))
        .map_err(FtpError::ConnectionError)?;
    tcp.set_write_timeout(Some(timeout))
        .map_err(FtpError::ConnectionError)?;
    let mode = if c.passive_mode {
        Mode::Passive
    } else {
        Mode::Active
    };
    let password = c.password.clone().unwrap_or_default();
    // Data connections get the same timeouts as the control connection, so a stalled
    // transfer fails instead of holding the session forever.
    let data = move |addr: std::net::SocketAddr| {
        let s = TcpStream::connect_timeout(&addr, timeout).map_err(FtpError::ConnectionError)?;
        s.set_read_timeout(Some(timeout))
            .map_err(FtpError::ConnectionError)?;
        s.set_write_timeout(Some(timeout))
            .map_err(FtpError::ConnectionError)?;
        Ok(s)
    };
    match tls {
        None => {
            let mut ftp =
                suppaftp::FtpStream::connect_with_stream(tcp)?.passive_stream_builder(data);
            ftp.set_mode(mode);
            ftp.login(c.username.as_str(), password.as_str())?;
            ftp.transfer_type(suppaftp::types::FileType::Binary)?;
            Ok(Conn::Plain(ftp))
        }
        Some(cfg) => {
            let ftp = RustlsFtpStream::connect_with_stream(tcp)?.passive_stream_builder(data);
            let mut ftp = ftp.into_secure(RustlsConnector::from(Arc::clone(cfg)), &c.host)?;
            ftp.set_mode(mode);
            ftp.login(c.username.as_str(), password.as_str())?;
            ftp.transfer_type(suppaftp::types::FileType::Binary)?;
            Ok(Conn::Tls(ftp))
        }
    }
}

fn mkdirs<T: TlsStream>(ftp: &mut ImplFtpStream<T>, path: &str) {
    for dir in parent_dirs(path) {
        // Existing directories answer 550: only the upload that follows decides.
        let _ = ftp.mkdir(&dir);
    }
}

fn run_op<T: TlsStream>(
    ftp: &mut ImplFtpStream<T>,
    op: ServiceOp,
    base: Option<&str>,
) -> Result<ServiceValue, FtpError> {
    let path = |p: &str| remote_path(base, p);
    Ok(match op {
        ServiceOp::FilePut { path: p, data } => {
            let target =
                path(&p).map_err(|m| FtpError::ConnectionError(std::io::Error::other(m)))?;
            if let Err(e) = ftp.put_file(&target, &mut Cursor::new(&data)) {
                if !matches!(e, FtpError::UnexpectedResponse(_)) {
                    return Err(e);
                }
                mkdirs(ftp, &target);
                ftp.put_file(&target, &mut Cursor::new(&data))?;
            }
            ServiceValue::Unit
        }
        ServiceOp::FileGet { path: p } => {
            let target =
                path(&p).map_err(|m| FtpError::ConnectionError(std::io::Error::other(m)))?;
            ServiceValue::Bytes(ftp.retr_as_buffer(&target)?.into_inner())
        }
        ServiceOp::FileList { dir } => {
            let target =
                path(&dir).map_err(|m| FtpError::ConnectionError(std::io::Error::other(m)))?;
            let names = ftp.nlst(Some(&target))?;
            ServiceValue::Names(
                names
                    .into_iter()
                    .map(|n| n.rsplit('/').next().unwrap_or_default().to_string())
                    .filter(|n| !n.is_empty() && n != "." && n != "..")
                    .collect(),
            )
        }
        ServiceOp::FileDelete { path: p } => {
            let target =
                path(&p).map_err(|m| FtpError::ConnectionError(std::io::Error::other(m)))?;
            ftp.rm(&target)?;
            ServiceValue::Unit
        }
        _ => {
            ftp.noop()?;
            ServiceValue::Unit
        }
    })
}

impl FtpBackend {
    fn blocking(&self, op: ServiceOp) -> ServiceResult {
        // Paths are checked before a connection is used.
        let check = match &op {
            ServiceOp::FilePut { path, .. }
            | ServiceOp::FileGet { path }
            | ServiceOp::FileDelete { path } => remote_path(self.config.base_path.as_deref(), path),
            ServiceOp::FileList { dir } => remote_path(self.config.base_path.as_deref(), dir),
            _ => Ok(String::new()),
        };
        check.map_err(|m| fault(FaultKind::Invalid, m))?;
        let mut slot = self
            .conn
            .lock()
            .map_err(|_| fault(FaultKind::Internal, "FTP connection lock poisoned"))?;
        if slot.is_none() {
            *slot = Some(open(&self.config, self.tls.as_ref()).map_err(|e| ftp_fault(&e))?);
        }
        let base = self.config.base_path.as_deref();
        let result = match slot.as_mut() {
            Some(Conn::Plain(f)) => run_op(f, op, base),
            Some(Conn::Tls(f)) => run_op(f, op, base),
            None => return Err(fault(FaultKind::Internal, "FTP connection missing")),
        };
        match result {
            Ok(v) => Ok(v),
            Err(e) => {
                // Keep the session after a plain refusal (550, 553); reopen after anything else.
                if !matches!(&e, FtpError::UnexpectedResponse(r) if r.status.code() >= 500 && r.status.code() != 530)
                {
                    *slot = None;
                }
                Err(ftp_fault(&e))
            }
        }
    }
}

impl Backend for FtpBackend {
    fn run(self: Arc<Self>, op: ServiceOp) -> BoxFut<ServiceResult> {
        Box::pin(async move {
            if op.kind() != rust_edge_gateway_sdk::abi::host::ServiceKind::FileTransfer {
                return Err(fault(
                    FaultKind::Internal,
                    format!("an FTP service cannot run {op:?}"),
                ));
            }
            tokio::task::spawn_blocking(move || self.blocking(op))
                .await
                .unwrap_or_else(|e| {
                    Err(fault(FaultKind::Internal, format!("FTP task failed: {e}")))
                })
        })
    }

    fn ping(self: Arc<Self>) -> BoxFut<Result<(), String>> {
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                self.blocking(ServiceOp::Resolve(
                    rust_edge_gateway_sdk::abi::host::ServiceKind::FileTransfer,
                ))
            })
            .await
            .map_err(|e| e.to_string())?
            .map(drop)
            .map_err(|f| f.message)
        })
    }
}
