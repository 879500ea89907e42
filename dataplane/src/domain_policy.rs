//! Per-domain transport policy: whether plain-HTTP requests to a domain are redirected to
//! HTTPS (308), and the `Strict-Transport-Security` header its HTTPS answers carry.
//!
//! The table is published with the routing snapshot, so every worker reads it without a
//! lock; hosts match as routes do (exact, then `*.suffix` covering one or more labels,
//! then `*`), port and letter case ignored.

use crate::host_table::{host_key, strip_port, HostTable};

/// What the control side sets for one domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainPolicy {
    /// Host pattern: exact, `*.suffix` or `*`.
    pub host: String,
    /// Plain-HTTP requests get a 308 to the same host and target on the TLS port.
    pub https_redirect: bool,
    /// `Strict-Transport-Security: max-age=N` on HTTPS answers; `None` sends none.
    pub hsts_max_age: Option<u64>,
}

/// A domain's policy as a request reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Redirect plain HTTP to HTTPS.
    pub https_redirect: bool,
    /// The `Strict-Transport-Security` value, formatted once.
    pub hsts: Option<String>,
}

/// Host pattern to policy, as every worker reads it.
#[derive(Debug, Default)]
pub struct DomainPolicies {
    table: HostTable<Policy>,
    /// Where redirects point.
    tls_port: u16,
}

impl DomainPolicies {
    /// The table for `policies`, redirecting to `tls_port` (with no TLS listener, `None`,
    /// nothing is redirected); domains with neither a redirect nor HSTS are left out.
    pub fn new(policies: Vec<DomainPolicy>, tls_port: Option<u16>) -> Self {
        let mut t = DomainPolicies {
            tls_port: tls_port.unwrap_or(443),
            ..DomainPolicies::default()
        };
        for mut p in policies {
            p.https_redirect &= tls_port.is_some();
            if !p.https_redirect && p.hsts_max_age.is_none() {
                continue;
            }
            *t.table.entry(&p.host) = Policy {
                https_redirect: p.https_redirect,
                hsts: p.hsts_max_age.map(|s| format!("max-age={s}")),
            };
        }
        t
    }

    /// The port redirects point to.
    pub fn tls_port(&self) -> u16 {
        self.tls_port
    }

    /// No domain has a policy: requests skip the lookup.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The policy for a request's host (`Host` header or absolute-form authority).
    pub fn get(&self, host: &str) -> Option<&Policy> {
        if self.is_empty() {
            return None;
        }
        let mut buf = [0u8; 256];
        let found = self.table.candidates(host_key(host, &mut buf)).next();
        found
    }
}

/// Paths a certificate authority fetches over plain HTTP (ACME http-01, RFC 8555 §8.3):
/// never redirected, so a certificate can be issued for a redirected domain.
pub fn exempt_from_redirect(path: &str) -> bool {
    path.starts_with("/.well-known/acme-challenge/")
}

/// The `Location` of the 308 for a plain-HTTP request: same host (without its port) and
/// target, on the TLS port (omitted when it is 443).
pub fn https_location(host: &str, tls_port: u16, path: &str, query: &str) -> String {
    let host = strip_port(host);
    let mut loc = String::with_capacity(host.len() + path.len() + query.len() + 16);
    loc.push_str("https://");
    loc.push_str(host);
    if tls_port != 443 {
        loc.push(':');
        loc.push_str(itoa::Buffer::new().format(tls_port));
    }
    loc.push_str(if path.is_empty() { "/" } else { path });
    if !query.is_empty() {
        loc.push('?');
        loc.push_str(query);
    }
    loc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(host: &str, redirect: bool, hsts: Option<u64>) -> DomainPolicy {
        DomainPolicy {
            host: host.into(),
            https_redirect: redirect,
            hsts_max_age: hsts,
        }
    }

    #[test]
    fn hosts_match_like_routes() {
        let t = DomainPolicies::new(
            vec![
                policy("api.example.com", true, None),
                policy("*.example.com", false, Some(60)),
                policy("plain.test", false, None),
            ],
            Some(9443),
        );
        assert!(t
            .get("API.example.com:9080")
            .is_some_and(|p| p.https_redirect));
        let w = t.get("www.example.com").expect("wildcard");
        assert_eq!(
            (w.https_redirect, w.hsts.as_deref()),
            (false, Some("max-age=60"))
        );
        assert!(t.get("example.com").is_none());
        assert!(t.get("plain.test").is_none(), "no policy, no entry");
        assert!(DomainPolicies::new(vec![policy("plain.test", false, None)], Some(1)).is_empty());
        // No TLS listener: nothing to redirect to.
        assert!(DomainPolicies::new(vec![policy("a.test", true, None)], None).is_empty());
    }

    #[test]
    fn location_keeps_host_and_target_and_drops_port_443() {
        assert_eq!(
            https_location("a.test:9080", 9443, "/p/q", "x=1"),
            "https://a.test:9443/p/q?x=1"
        );
        assert_eq!(https_location("a.test", 443, "/", ""), "https://a.test/");
        assert_eq!(https_location("[::1]:80", 443, "/a", ""), "https://[::1]/a");
    }
}
