//! Browser guards for the management API when it has no token.
//!
//! Without `--admin-token` the API answers anyone who reaches the loopback address, and a
//! browser on the same machine is such a client: a page from another site could post a
//! form (a ZIP bundle with `compile=true&start=true` is a multipart form, which browsers
//! send cross-site without asking) and run code in the gateway, or a hostile name resolving
//! to 127.0.0.1 could read the API (DNS rebinding). So, without a token, requests that a
//! browser marks as coming from another site (`Origin` not this host, or
//! `Sec-Fetch-Site: cross-site`) and requests for a host name that is not a loopback name
//! are refused with 403. With a token, the bearer header is the guard: browsers never add
//! it by themselves.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::envelope::ApiError;
use super::AppState;

/// The middleware.
pub async fn browser_guard(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if state.token.is_none() {
        check(req.headers()).map_err(|m| ApiError::new(StatusCode::FORBIDDEN, m))?;
    }
    Ok(next.run(req).await)
}

/// Why a tokenless request is refused, if it is.
pub fn check(headers: &HeaderMap) -> Result<(), String> {
    let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let host = value(header::HOST);
    if let Some(host) = host {
        if !is_loopback_host(host) {
            return Err(format!(
                "the admin API without a token only answers loopback names, not {host:?}; \
                 use http://127.0.0.1:<port> or set --admin-token"
            ));
        }
    }
    if let Some(origin) = value(header::ORIGIN) {
        let from = origin.split_once("://").map(|(_, rest)| rest);
        if from.is_none() || from != host {
            return Err(format!(
                "cross-origin request refused: Origin {origin} is not this admin API"
            ));
        }
    }
    if value(header::HeaderName::from_static("sec-fetch-site")) == Some("cross-site") {
        return Err("cross-site request refused".into());
    }
    Ok(())
}

/// `localhost`, `*.localhost`, 127.0.0.0/8 or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, _)) => ip,
            None => return false,
        }
    } else {
        host.rsplit_once(':').map_or(host, |(n, _)| n)
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn loopback_same_origin_passes_everything_else_is_refused() {
        assert!(check(&headers(&[("host", "127.0.0.1:9081")])).is_ok());
        assert!(check(&headers(&[("host", "localhost:9081")])).is_ok());
        assert!(check(&headers(&[("host", "[::1]:9081")])).is_ok());
        assert!(check(&headers(&[
            ("host", "127.0.0.1:9081"),
            ("origin", "http://127.0.0.1:9081")
        ]))
        .is_ok());
        assert!(check(&headers(&[])).is_ok(), "no Host: not a browser");

        assert!(check(&headers(&[("host", "evil.example:9081")])).is_err());
        assert!(check(&headers(&[("host", "127.0.0.1.evil.example")])).is_err());
        assert!(check(&headers(&[
            ("host", "127.0.0.1:9081"),
            ("origin", "http://evil.example")
        ]))
        .is_err());
        assert!(check(&headers(&[("host", "127.0.0.1:9081"), ("origin", "null")])).is_err());
        assert!(check(&headers(&[
            ("host", "127.0.0.1:9081"),
            ("origin", "http://127.0.0.1:9999")
        ]))
        .is_err());
        assert!(check(&headers(&[
            ("host", "127.0.0.1:9081"),
            ("sec-fetch-site", "cross-site")
        ]))
        .is_err());
    }
}
