//! SNI to certificate: the table every worker's handshakes read, swapped whole when a
//! certificate is added, replaced or removed (an `ArcSwap`: handshakes in progress keep
//! the table they loaded, new ones see the new one at once, no connection is touched).
//!
//! A name is looked up exactly first, then as `*.` plus its parent (a wildcard covers
//! exactly one label); among the certificates that match, the newest valid one
//! (latest `not_before` among those whose validity covers now) wins, else the newest.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arc_swap::ArcSwap;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

/// A certificate the gateway can serve: its chain and key, and what it covers.
#[derive(Clone)]
pub struct Certificate {
    /// Who this certificate is known by (the store's id, or a file name).
    pub id: String,
    /// DNS names it covers, lower-case, `*.example.com` for wildcards.
    pub names: Vec<String>,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before: i64,
    /// End of validity, seconds since the Unix epoch.
    pub not_after: i64,
    /// The chain (leaf first) and the signing key.
    pub key: Arc<CertifiedKey>,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("id", &self.id)
            .field("names", &self.names)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl Certificate {
    fn valid_at(&self, now: i64) -> bool {
        self.not_before <= now && now <= self.not_after
    }
}

/// Name to the certificates covering it.
#[derive(Debug, Default)]
struct Table {
    by_name: HashMap<String, Vec<Arc<Certificate>>>,
    all: Vec<Arc<Certificate>>,
}

impl Table {
    fn new(certs: Vec<Certificate>) -> Self {
        let mut t = Table::default();
        for c in certs {
            let c = Arc::new(c);
            for name in &c.names {
                t.by_name
                    .entry(name.to_ascii_lowercase())
                    .or_default()
                    .push(Arc::clone(&c));
            }
            t.all.push(c);
        }
        t
    }

    fn best(&self, key: &str, now: i64) -> Option<&Arc<Certificate>> {
        let found = self.by_name.get(key)?;
        found
            .iter()
            .filter(|c| c.valid_at(now))
            .max_by_key(|c| c.not_before)
            .or_else(|| found.iter().max_by_key(|c| c.not_before))
    }

    fn lookup(&self, name: &str, now: i64) -> Option<&Arc<Certificate>> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if let Some(c) = self.best(&name, now) {
            return Some(c);
        }
        let (_, parent) = name.split_once('.')?;
        if parent.is_empty() {
            return None;
        }
        self.best(&format!("*.{parent}"), now)
    }
}

/// The certificates every TLS listener serves from, shared by all workers.
#[derive(Debug, Default)]
pub struct CertStore {
    table: ArcSwap<Table>,
    /// The name whose certificate a client without SNI gets.
    default_name: arc_swap::ArcSwapOption<String>,
    misses: AtomicU64,
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl CertStore {
    /// An empty store: every handshake fails until certificates are set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the whole set; new handshakes see it at once.
    pub fn replace(&self, certs: Vec<Certificate>) {
        self.table.store(Arc::new(Table::new(certs)));
    }

    /// Clients that send no server name get the certificate serving `name` (`None`:
    /// their handshake fails with an alert).
    pub fn set_default_name(&self, name: Option<String>) {
        self.default_name
            .store(name.map(|n| Arc::new(n.to_ascii_lowercase())));
    }

    /// The certificates served now.
    pub fn list(&self) -> Vec<Arc<Certificate>> {
        self.table.load().all.clone()
    }

    /// The certificate a client asking for `name` gets, if any.
    pub fn pick(&self, name: &str) -> Option<Arc<Certificate>> {
        self.table.load().lookup(name, now_secs()).cloned()
    }

    /// Handshakes refused because no certificate covers the name asked for (or none
    /// was asked for).
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let fallback = self.default_name.load();
        let name = hello
            .server_name()
            .or_else(|| fallback.as_deref().map(String::as_str));
        let found = name.and_then(|n| {
            self.table
                .load()
                .lookup(n, now_secs())
                .map(|c| Arc::clone(&c.key))
        });
        if found.is_none() {
            self.misses.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(sni = ?hello.server_name(), "TLS handshake: no certificate for this name");
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(id: &str, names: &[&str], not_before: i64, not_after: i64) -> Certificate {
        // Lookups never touch the key; any CertifiedKey shape will do.
        let key = rustls::crypto::ring::sign::any_supported_type(
            &rustls::pki_types::PrivateKeyDer::Pkcs8(TEST_KEY.to_vec().into()),
        )
        .expect("test key");
        Certificate {
            id: id.into(),
            names: names.iter().map(|n| n.to_string()).collect(),
            not_before,
            not_after,
            key: Arc::new(CertifiedKey::new(Vec::new(), key)),
        }
    }

    /// A P-256 PKCS#8 key (generated once with `openssl genpkey -algorithm EC`).
    const TEST_KEY: &[u8] = include_bytes!("test_key.p8");

    #[test]
    fn exact_before_wildcard_and_one_label_only() {
        let t = Table::new(vec![
            cert("wild", &["*.example.com"], 0, i64::MAX),
            cert("api", &["api.example.com"], 0, i64::MAX),
        ]);
        let id = |n: &str| t.lookup(n, 100).map(|c| c.id.clone());
        assert_eq!(id("api.example.com").as_deref(), Some("api"));
        assert_eq!(id("API.Example.com.").as_deref(), Some("api"));
        assert_eq!(id("www.example.com").as_deref(), Some("wild"));
        assert_eq!(id("a.b.example.com"), None, "a wildcard covers one label");
        assert_eq!(id("example.com"), None);
    }

    #[test]
    fn the_newest_valid_certificate_wins() {
        let t = Table::new(vec![
            cert("old", &["a.test"], 10, 1000),
            cert("new", &["a.test"], 50, 1000),
            cert("future", &["a.test"], 500, 1000),
        ]);
        assert_eq!(t.lookup("a.test", 100).map(|c| c.id.as_str()), Some("new"));
        assert_eq!(
            t.lookup("a.test", 600).map(|c| c.id.as_str()),
            Some("future")
        );
        // Nothing valid: the newest still answers (a client may be off in time).
        assert_eq!(
            t.lookup("a.test", 5000).map(|c| c.id.as_str()),
            Some("future")
        );
    }
}
