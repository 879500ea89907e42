//! The one check of an endpoint's route (method, path, domain) and name, used by the
//! endpoints API, the importers and the lifecycle before a library is loaded.

/// Methods an endpoint may answer.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/// Longest name, path or domain accepted.
const MAX_LEN: usize = 1024;

/// Why a route or name is refused (the message names the offending value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RouteError(pub String);

fn no_control(what: &str, value: &str) -> Result<(), RouteError> {
    if value.chars().any(char::is_control) {
        return Err(RouteError(format!(
            "{what} {value:?} contains a control character"
        )));
    }
    if value.len() > MAX_LEN {
        return Err(RouteError(format!("{what} is longer than {MAX_LEN} bytes")));
    }
    Ok(())
}

/// Checks a display name: not empty, no control characters.
pub fn check_name(name: &str) -> Result<(), RouteError> {
    if name.trim().is_empty() {
        return Err(RouteError("name is required".into()));
    }
    no_control("name", name)
}

/// Checks a route: a known method, a path the router accepts (starting with `/`, no spaces
/// or control characters), a domain (a host, `*.example.com` or `*`).
pub fn check(method: &str, path: &str, domain: &str) -> Result<(), RouteError> {
    no_control("method", method)?;
    if !METHODS.contains(&method.to_ascii_uppercase().as_str()) {
        return Err(RouteError(format!(
            "method {method:?} must be one of {}",
            METHODS.join(", ")
        )));
    }
    no_control("path", path)?;
    if !path.starts_with('/') || path.contains(char::is_whitespace) {
        return Err(RouteError(format!(
            "path {path:?} must start with '/' and contain no spaces"
        )));
    }
    let mut probe = rust_edge_gateway_dataplane::router::Router::new();
    probe
        .insert("*", "GET", path, ())
        .map_err(|e| RouteError(format!("path {path:?}: {e}")))?;
    no_control("domain", domain)?;
    let host_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '*' | '_' | ':');
    if domain.trim().is_empty() {
        return Err(RouteError(
            "domain is required (a host, *.example.com or *)".into(),
        ));
    }
    if !domain.chars().all(host_ok) {
        return Err(RouteError(format!(
            "domain {domain:?} must be a host name, *.example.com or *"
        )));
    }
    Ok(())
}

/// Checks a collection's base path: empty, or starting with `/`, without parameters,
/// spaces, `?`, `#` or control characters.
pub fn check_base_path(p: &str) -> Result<(), RouteError> {
    no_control("base_path", p)?;
    if !p.is_empty() && (!p.starts_with('/') || p.contains(['{', '}', ' ', '?', '#'])) {
        return Err(RouteError(format!(
            "base_path {p:?} must start with '/' and contain no parameters, spaces, '?' or '#'"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_names_refuse_control_characters_and_bad_shapes() {
        assert!(check("GET", "/pets/{id}", "*").is_ok());
        assert!(check("get", "/a", "*.example.com").is_ok());
        assert!(check("BREW", "/a", "*").is_err());
        assert!(check("GET", "pets", "*").is_err());
        assert!(check("GET", "/a b", "*").is_err());
        let e = check("GET", "/x\n#[no_mangle] fn evil() {}", "*").expect_err("newline");
        assert!(e.0.contains("control character"), "{e}");
        assert!(check("GET", "/x\u{7}", "*").is_err());
        assert!(check("GET", "/a", "").is_err());
        assert!(check("GET", "/a", "evil.com/path").is_err());
        assert!(check("GET", "/a", "user@host").is_err());
        assert!(check_name("ok name").is_ok());
        assert!(check_name("bad\rname").is_err());
        assert!(check_name(" ").is_err());
        assert!(check_base_path("/v1").is_ok() && check_base_path("").is_ok());
        for bad in ["v1", "/{x}", "/a b", "/v1\n", "/v1?x"] {
            assert!(check_base_path(bad).is_err(), "{bad:?}");
        }
    }
}
