//! Maps (Host, method, path) to a route target; see `registry.rs` for what a target is.
//!
//! Routes are grouped by domain: exact hosts (`api.example.com`), wildcard suffixes
//! (`*.example.com`) and the catch-all `*`; a request tries them in that order and the
//! first tree with a match wins. Within a tree, paths are matched segment by segment;
//! a static segment wins over a `{param}` segment, and the lookup backtracks to the param
//! when the static branch does not lead to a match. A path that matches with another
//! method gives 405 with `Allow`; nothing matching gives 404. Lookups do not allocate.

use rustc_hash::FxHashMap;

use crate::host_table::{host_key, HostTable};

/// Most `{param}` segments in one pattern.
pub const MAX_PARAMS: usize = 16;

/// Why a route table could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// The path pattern is not `/`-rooted or has an empty `{}`.
    #[error("invalid path pattern `{0}`")]
    InvalidPattern(String),
    /// Two routes for the same host, method and pattern.
    #[error("duplicate route {method} {pattern} on `{host}`")]
    Duplicate {
        /// Host pattern.
        host: String,
        /// Method.
        method: String,
        /// Path pattern.
        pattern: String,
    },
    /// `/a/{x}` and `/a/{y}/b` name the same segment differently.
    #[error("conflicting parameter names `{{{0}}}` and `{{{1}}}` at the same position")]
    ParamConflict(String, String),
    /// More than [`MAX_PARAMS`] parameters.
    #[error("pattern `{0}` has more than {MAX_PARAMS} parameters")]
    TooManyParams(String),
}

#[derive(Debug)]
struct Node<T> {
    statics: FxHashMap<Box<str>, Node<T>>,
    param: Option<(Box<str>, Box<Node<T>>)>,
    methods: Vec<(Box<str>, T)>,
}

impl<T> Default for Node<T> {
    fn default() -> Self {
        Node {
            statics: FxHashMap::default(),
            param: None,
            methods: Vec::new(),
        }
    }
}

/// Path parameters of a match: names from the pattern, values borrowed from the path.
#[derive(Clone, Copy)]
pub struct Params<'r, 'p> {
    // Only `..len` is initialised; the rest is never read (no 512-byte memset per lookup).
    items: [std::mem::MaybeUninit<(&'r str, &'p str)>; MAX_PARAMS],
    len: usize,
}

impl std::fmt::Debug for Params<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'r, 'p> Params<'r, 'p> {
    fn new() -> Self {
        Params {
            items: [const { std::mem::MaybeUninit::uninit() }; MAX_PARAMS],
            len: 0,
        }
    }

    fn push(&mut self, name: &'r str, value: &'p str) -> bool {
        match self.items.get_mut(self.len) {
            Some(slot) => {
                slot.write((name, value));
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// The (name, raw value) pairs, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&'r str, &'p str)> + '_ {
        // SAFETY: `push` initialised every slot below `len`.
        self.items[..self.len]
            .iter()
            .map(|s| unsafe { s.assume_init() })
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The outcome of a lookup.
// Returned by value once per request; boxing the params would allocate on the hot path.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Lookup<'r, 'p, T> {
    /// A route matched.
    Found(&'r T, Params<'r, 'p>),
    /// The path exists with other methods (for `Allow`).
    MethodNotAllowed(Vec<&'r str>),
    /// Nothing matched.
    NotFound,
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    trimmed.split('/').filter(|_| !trimmed.is_empty())
}

impl<T> Node<T> {
    fn insert(&mut self, pattern: &str, method: &str, target: T) -> Result<(), RouteError> {
        if !pattern.starts_with('/') {
            return Err(RouteError::InvalidPattern(pattern.into()));
        }
        let mut node = self;
        let mut params = 0;
        for seg in segments(pattern) {
            if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                if name.is_empty() || name.contains(['{', '}']) {
                    return Err(RouteError::InvalidPattern(pattern.into()));
                }
                params += 1;
                if params > MAX_PARAMS {
                    return Err(RouteError::TooManyParams(pattern.into()));
                }
                let (existing, child) = node
                    .param
                    .get_or_insert_with(|| (name.into(), Box::default()));
                if &**existing != name {
                    return Err(RouteError::ParamConflict(existing.to_string(), name.into()));
                }
                node = child;
            } else {
                if seg.contains(['{', '}']) {
                    return Err(RouteError::InvalidPattern(pattern.into()));
                }
                node = node.statics.entry(seg.into()).or_default();
            }
        }
        if node
            .methods
            .iter()
            .any(|(m, _)| m.eq_ignore_ascii_case(method))
        {
            return Err(RouteError::Duplicate {
                host: String::new(),
                method: method.into(),
                pattern: pattern.into(),
            });
        }
        node.methods
            .push((method.to_ascii_uppercase().into(), target));
        Ok(())
    }

    /// Matches `rest` (the path after this node, without its leading `/`; `None` at the end).
    fn find<'r, 'p>(
        &'r self,
        rest: Option<&'p str>,
        params: &mut Params<'r, 'p>,
    ) -> Option<&'r Node<T>> {
        let Some(rest) = rest else {
            return (!self.methods.is_empty()).then_some(self);
        };
        let (first, next) = match rest.split_once('/') {
            Some((first, next)) => (first, Some(next)),
            None => (rest, None),
        };
        if let Some(child) = self.statics.get(first) {
            if let Some(found) = child.find(next, params) {
                return Some(found);
            }
        }
        if let Some((name, child)) = &self.param {
            if !first.is_empty() && params.push(name, first) {
                if let Some(found) = child.find(next, params) {
                    return Some(found);
                }
                params.len -= 1;
            }
        }
        None
    }
}

fn lookup_tree<'r, 'p, T>(
    root: &'r Node<T>,
    method: &str,
    path: Option<&'p str>,
) -> Lookup<'r, 'p, T> {
    let mut params = Params::new();
    let Some(node) = root.find(path, &mut params) else {
        return Lookup::NotFound;
    };
    let pick = |m: &str| {
        node.methods
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(m))
            .map(|(_, t)| t)
    };
    match pick(method).or_else(|| {
        if method.eq_ignore_ascii_case("HEAD") {
            pick("GET")
        } else {
            None
        }
    }) {
        Some(t) => Lookup::Found(t, params),
        None => Lookup::MethodNotAllowed(node.methods.iter().map(|(m, _)| &**m).collect()),
    }
}

/// A route table: what a core consults for every request.
#[derive(Debug)]
pub struct Router<T> {
    hosts: HostTable<Node<T>>,
}

impl<T> Default for Router<T> {
    fn default() -> Self {
        Router {
            hosts: HostTable::default(),
        }
    }
}

impl<T> Router<T> {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a route. `host` is an exact host, `*.suffix` or `*`; `pattern` a path with
    /// `{param}` segments.
    pub fn insert(
        &mut self,
        host: &str,
        method: &str,
        pattern: &str,
        target: T,
    ) -> Result<(), RouteError> {
        let host = host.trim().to_ascii_lowercase();
        let tree = self.hosts.entry(&host);
        tree.insert(pattern, method, target).map_err(|e| match e {
            RouteError::Duplicate {
                method, pattern, ..
            } => RouteError::Duplicate {
                host,
                method,
                pattern,
            },
            other => other,
        })
    }

    /// Finds the route for a request. `host` is the Host header (port allowed).
    pub fn lookup<'r, 'p>(&'r self, host: &str, method: &str, path: &'p str) -> Lookup<'r, 'p, T> {
        // "/a/b/" -> Some("a/b"); "/" -> None (the root).
        let trimmed = path.strip_prefix('/').unwrap_or(path);
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        let segs = (!trimmed.is_empty()).then_some(trimmed);
        let mut buf = [0u8; 256];
        let host = host_key(host, &mut buf);
        let mut not_allowed = None;
        for tree in self.hosts.candidates(host) {
            match lookup_tree(tree, method, segs) {
                Lookup::Found(t, p) => return Lookup::Found(t, p),
                Lookup::MethodNotAllowed(m) if not_allowed.is_none() => not_allowed = Some(m),
                _ => {}
            }
        }
        not_allowed.map_or(Lookup::NotFound, Lookup::MethodNotAllowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router() -> Router<&'static str> {
        let mut r = Router::new();
        r.insert("*", "GET", "/users/{id}", "user").unwrap();
        r.insert("*", "GET", "/users/me", "me").unwrap();
        r.insert("*", "POST", "/users", "create").unwrap();
        r.insert("*", "GET", "/users/{id}/posts/{post_id}", "post")
            .unwrap();
        r.insert("*", "GET", "/", "root").unwrap();
        r.insert("api.example.com", "GET", "/users/{id}", "api-user")
            .unwrap();
        r.insert("*.example.com", "GET", "/hello", "wild").unwrap();
        r.insert("*.b.example.com", "GET", "/hello", "wild-b")
            .unwrap();
        r
    }

    fn found(
        r: &Router<&'static str>,
        host: &str,
        m: &str,
        p: &str,
    ) -> Option<(&'static str, Vec<(String, String)>)> {
        match r.lookup(host, m, p) {
            Lookup::Found(t, params) => Some((
                *t,
                params
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect(),
            )),
            _ => None,
        }
    }

    #[test]
    fn static_wins_and_params_are_captured() {
        let r = router();
        assert_eq!(found(&r, "x", "GET", "/users/me").unwrap().0, "me");
        let (t, p) = found(&r, "x", "GET", "/users/42").unwrap();
        assert_eq!((t, p), ("user", vec![("id".into(), "42".into())]));
        let (t, p) = found(&r, "x", "GET", "/users/7/posts/9").unwrap();
        assert_eq!(t, "post");
        assert_eq!(
            p,
            vec![("id".into(), "7".into()), ("post_id".into(), "9".into())]
        );
        assert_eq!(found(&r, "x", "GET", "/").unwrap().0, "root");
        assert_eq!(found(&r, "x", "GET", "/users/42/").unwrap().0, "user");
        assert_eq!(found(&r, "x", "HEAD", "/users/42").unwrap().0, "user");
    }

    #[test]
    fn backtracks_from_static_to_param() {
        let mut r = Router::new();
        r.insert("*", "GET", "/a/b/c", "abc").unwrap();
        r.insert("*", "GET", "/a/{x}/d", "axd").unwrap();
        assert_eq!(found(&r, "h", "GET", "/a/b/d").unwrap().0, "axd");
        assert_eq!(found(&r, "h", "GET", "/a/b/c").unwrap().0, "abc");
    }

    #[test]
    fn hosts_exact_wildcard_any() {
        let r = router();
        assert_eq!(
            found(&r, "API.example.com:9080", "GET", "/users/1")
                .unwrap()
                .0,
            "api-user"
        );
        assert_eq!(found(&r, "other.com", "GET", "/users/1").unwrap().0, "user");
        assert_eq!(
            found(&r, "x.example.com", "GET", "/hello").unwrap().0,
            "wild"
        );
        assert_eq!(
            found(&r, "a.b.example.com", "GET", "/hello").unwrap().0,
            "wild-b"
        );
        assert!(found(&r, "example.com", "GET", "/hello").is_none());
        assert_eq!(
            found(&r, "api.example.com", "POST", "/users").unwrap().0,
            "create"
        );
    }

    #[test]
    fn not_found_and_method_not_allowed() {
        let r = router();
        assert!(matches!(r.lookup("x", "GET", "/nope"), Lookup::NotFound));
        match r.lookup("x", "DELETE", "/users") {
            Lookup::MethodNotAllowed(m) => assert_eq!(m, vec!["POST"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn build_errors() {
        let mut r: Router<u8> = Router::new();
        r.insert("*", "GET", "/a/{x}", 1).unwrap();
        assert!(matches!(
            r.insert("*", "get", "/a/{x}", 2),
            Err(RouteError::Duplicate { .. })
        ));
        assert!(matches!(
            r.insert("*", "GET", "/a/{y}/b", 3),
            Err(RouteError::ParamConflict(..))
        ));
        assert!(matches!(
            r.insert("*", "GET", "nope", 4),
            Err(RouteError::InvalidPattern(_))
        ));
        assert!(matches!(
            r.insert("*", "GET", "/a/{}", 5),
            Err(RouteError::InvalidPattern(_))
        ));
    }
}
