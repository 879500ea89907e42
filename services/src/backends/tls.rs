//! Root certificates for TLS clients: the platform's web roots plus an optional private CA.

use std::sync::Arc;

/// A rustls client config trusting the webpki roots and the PEM certificates in `ca_path`.
pub(crate) fn client_config(ca_path: Option<&str>) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_path {
        for cert in load_pem(path)? {
            roots
                .add(cert)
                .map_err(|e| format!("CA certificate {path}: {e}"))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The certificates of a PEM file.
pub(crate) fn load_pem(
    path: &str,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, String> {
    let data = std::fs::read(path).map_err(|e| format!("reading CA certificate {path}: {e}"))?;
    rustls_pemfile::certs(&mut data.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("CA certificate {path}: {e}"))
}
