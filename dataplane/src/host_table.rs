//! Host patterns to values: exact hosts (`api.example.com`), wildcard suffixes
//! (`*.example.com`, one or more labels, the longest suffix first) and `*`. Routes and
//! per-domain policies match hosts through it, so both agree on which pattern a request's
//! host falls under.

use rustc_hash::FxHashMap;

/// Values by host pattern.
#[derive(Debug)]
pub(crate) struct HostTable<V> {
    exact: FxHashMap<Box<str>, V>,
    /// `(".example.com", value)`, longest suffix first: the most specific wildcard wins.
    wildcard: Vec<(Box<str>, V)>,
    any: Option<V>,
}

impl<V> Default for HostTable<V> {
    fn default() -> Self {
        HostTable {
            exact: FxHashMap::default(),
            wildcard: Vec::new(),
            any: None,
        }
    }
}

impl<V> HostTable<V> {
    /// The value for `pattern` (exact, `*.suffix`, or `*` / empty for any host), made
    /// with its default when new. The pattern is trimmed and lower-cased.
    pub fn entry(&mut self, pattern: &str) -> &mut V
    where
        V: Default,
    {
        let pattern = pattern.trim().to_ascii_lowercase();
        if pattern == "*" || pattern.is_empty() {
            return self.any.get_or_insert_with(V::default);
        }
        if let Some(suffix) = pattern.strip_prefix('*') {
            let pos = match self.wildcard.iter().position(|(s, _)| **s == *suffix) {
                Some(p) => p,
                None => {
                    self.wildcard.push((suffix.into(), V::default()));
                    self.wildcard.sort_by_key(|w| std::cmp::Reverse(w.0.len()));
                    self.wildcard
                        .iter()
                        .position(|(s, _)| **s == *suffix)
                        .unwrap_or(0)
                }
            };
            return &mut self.wildcard[pos].1;
        }
        self.exact.entry(pattern.into()).or_default()
    }

    /// Whether no pattern has a value.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.wildcard.is_empty() && self.any.is_none()
    }

    /// The values whose pattern covers `host` (from [`host_key`]), most specific first:
    /// the exact host, the wildcards by length, then `*`.
    pub fn candidates<'a, 'h>(
        &'a self,
        host: &'h str,
    ) -> impl Iterator<Item = &'a V> + use<'a, 'h, V> {
        let wild = self
            .wildcard
            .iter()
            .filter(move |(suffix, _)| host.ends_with(&**suffix) && host.len() > suffix.len())
            .map(|(_, v)| v);
        self.exact
            .get(host)
            .into_iter()
            .chain(wild)
            .chain(&self.any)
    }
}

/// A host without its port (`[::1]:9080` -> `[::1]`).
pub(crate) fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        // An IPv6 literal: `[::1]:9080`.
        return host.find(']').map_or(host, |i| &host[..=i]);
    }
    match host.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    }
}

/// A request's host without port, lower-cased (in a stack buffer) when needed.
pub(crate) fn host_key<'a>(host: &'a str, buf: &'a mut [u8; 256]) -> &'a str {
    let host = strip_port(host);
    if !host.bytes().any(|b| b.is_ascii_uppercase()) || host.len() > buf.len() {
        return host;
    }
    for (d, s) in buf.iter_mut().zip(host.bytes()) {
        *d = s.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..host.len()]).unwrap_or(host)
}
