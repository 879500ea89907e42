//! TLS termination on the dataplane: rustls (the `ring` provider; TLS 1.2 and 1.3, ALPN
//! `http/1.1`, session tickets) driven directly over each worker's sockets.
//!
//! - [`CertStore`] (`resolver.rs`): SNI to certificate, swapped atomically so adding or
//!   replacing a certificate takes effect for the next handshake on every worker.
//! - [`TlsStream`] (`stream.rs`): the encrypted stream a `Session` serves HTTP over.
//! - [`TlsMetrics`] (`metrics.rs`): handshakes by result, version and ALPN.
//!
//! The accept loop and the handshake's deadline live with the workers
//! (`server/secure.rs`).

mod metrics;
mod resolver;
mod stream;

use std::sync::Arc;

pub(crate) use metrics::classify;
pub use metrics::{HandshakeResult, TlsMetrics};
pub use resolver::{CertStore, Certificate};
pub use stream::TlsStream;

/// Why a certificate or the TLS setup was refused.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// rustls refused the configuration or key.
    #[error("TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The rustls server configuration every worker shares: certificates from `store`,
/// TLS 1.3 and 1.2, ALPN `http/1.1`, stateless session tickets (rotating key) plus the
/// in-memory session cache for TLS 1.2 session ids.
pub fn server_config(store: Arc<CertStore>) -> Result<Arc<rustls::ServerConfig>, TlsSetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_no_client_auth()
        .with_cert_resolver(store);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config.ticketer = rustls::crypto::ring::Ticketer::new()?;
    Ok(Arc::new(config))
}

/// Builds a [`rustls::sign::CertifiedKey`] from a DER chain (leaf first) and key,
/// checking that the key belongs to the leaf.
pub fn certified_key(
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
) -> Result<Arc<rustls::sign::CertifiedKey>, TlsSetupError> {
    let provider = rustls::crypto::ring::default_provider();
    Ok(Arc::new(rustls::sign::CertifiedKey::from_der(
        chain, key, &provider,
    )?))
}
