//! TLS handshake counters, shared by every worker's TLS listener (one atomic add per
//! handshake: a handshake costs far more than the cache line).

use std::sync::atomic::{AtomicU64, Ordering};

/// How a handshake ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeResult {
    /// Completed.
    Ok,
    /// The handshake deadline (the first-byte timeout) passed.
    Timeout,
    /// The client closed or the socket failed.
    Io,
    /// No certificate covers the name the client asked for (an alert was sent).
    NoCertificate,
    /// The client spoke something rustls refused (bad message, no common version or
    /// cipher, an alert from the client).
    Protocol,
}

impl HandshakeResult {
    /// Every result, in the order [`TlsMetrics::results`] reports them.
    pub const ALL: [HandshakeResult; 5] = [
        HandshakeResult::Ok,
        HandshakeResult::Timeout,
        HandshakeResult::Io,
        HandshakeResult::NoCertificate,
        HandshakeResult::Protocol,
    ];

    /// The metric label.
    pub fn label(self) -> &'static str {
        match self {
            HandshakeResult::Ok => "ok",
            HandshakeResult::Timeout => "timeout",
            HandshakeResult::Io => "io",
            HandshakeResult::NoCertificate => "no_certificate",
            HandshakeResult::Protocol => "protocol",
        }
    }
}

/// Handshakes by result, by negotiated version and ALPN, and how many resumed a session.
#[derive(Debug, Default)]
pub struct TlsMetrics {
    results: [AtomicU64; 5],
    tls12: AtomicU64,
    tls13: AtomicU64,
    alpn_http11: AtomicU64,
    alpn_none: AtomicU64,
    resumed: AtomicU64,
}

fn add(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

impl TlsMetrics {
    /// Counts a failed handshake.
    pub(crate) fn failed(&self, why: HandshakeResult) {
        if let Some(c) = self.results.get(why as usize) {
            add(c);
        }
    }

    /// Counts a completed handshake.
    pub(crate) fn completed(&self, conn: &rustls::ServerConnection) {
        add(&self.results[HandshakeResult::Ok as usize]);
        match conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => add(&self.tls13),
            _ => add(&self.tls12),
        }
        match conn.alpn_protocol() {
            Some(b"http/1.1") => add(&self.alpn_http11),
            _ => add(&self.alpn_none),
        }
        if conn.handshake_kind() == Some(rustls::HandshakeKind::Resumed) {
            add(&self.resumed);
        }
    }

    /// Handshakes by result label.
    pub fn results(&self) -> [(&'static str, u64); 5] {
        HandshakeResult::ALL.map(|r| (r.label(), self.results[r as usize].load(Ordering::Relaxed)))
    }

    /// Completed handshakes by version (`TLSv1.2`, `TLSv1.3`).
    pub fn versions(&self) -> [(&'static str, u64); 2] {
        [
            ("TLSv1.2", self.tls12.load(Ordering::Relaxed)),
            ("TLSv1.3", self.tls13.load(Ordering::Relaxed)),
        ]
    }

    /// Completed handshakes by ALPN protocol (`http/1.1`, or `none` when the client
    /// offered none).
    pub fn alpn(&self) -> [(&'static str, u64); 2] {
        [
            ("http/1.1", self.alpn_http11.load(Ordering::Relaxed)),
            ("none", self.alpn_none.load(Ordering::Relaxed)),
        ]
    }

    /// Completed handshakes that resumed a session (ticket or session id).
    pub fn resumed(&self) -> u64 {
        self.resumed.load(Ordering::Relaxed)
    }
}

/// What a handshake error was, for the counters.
pub(crate) fn classify(e: &std::io::Error) -> HandshakeResult {
    let Some(tls) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return HandshakeResult::Io;
    };
    match tls {
        rustls::Error::General(m) if m.contains("certificate") => HandshakeResult::NoCertificate,
        _ => HandshakeResult::Protocol,
    }
}
