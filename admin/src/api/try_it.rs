//! `POST /api/endpoints/{id}/try`: sends one request to the endpoint on the gateway port and
//! answers what came back (the admin UI's "try it" panel; same origin, so no CORS on the
//! gateway port).
//!
//! Body: `{"path": "/hello?x=1", "headers": {"X-A": "1"}, "body": "..."}`, all optional;
//! the method is the endpoint's, the path defaults to its path, `Host` to its domain.
//! Answer: `{"status", "headers", "body", "duration_ms"}`.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::Json;
use hyper_util::rt::TokioIo;
use indexmap::IndexMap;
use serde::Deserialize;

use super::envelope::{ok, ApiError, ApiResult};
use super::{body, AppState};

/// Largest answer body shown (bigger ones are cut).
const MAX_SHOWN: usize = 1024 * 1024;
/// How long the whole exchange may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// What to send.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TryRequest {
    /// Path and query; the endpoint's path when absent.
    #[serde(default)]
    pub path: Option<String>,
    /// Extra request headers.
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    /// Request body.
    #[serde(default)]
    pub body: Option<String>,
}

/// The handler.
pub async fn try_it(
    State(s): State<AppState>,
    Path(id): Path<String>,
    req: Result<Json<TryRequest>, JsonRejection>,
) -> ApiResult {
    let t = body(req)?;
    let e = s
        .store
        .get_endpoint(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("endpoint", &id))?;
    let path = t.path.clone().unwrap_or_else(|| e.path.clone());
    if !path.starts_with('/') {
        return Err(ApiError::bad_request("path must start with /"));
    }
    let method = Method::from_bytes(e.method.as_bytes())
        .map_err(|_| ApiError::bad_request(format!("invalid method {}", e.method)))?;
    let host = if e.domain == "*" || e.domain.contains('*') {
        s.gateway.to_string()
    } else {
        e.domain.clone()
    };
    let mut builder = Request::builder()
        .method(method)
        .uri(&path)
        .header(header::HOST, host);
    for (k, v) in &t.headers {
        let name = HeaderName::from_bytes(k.as_bytes())
            .map_err(|_| ApiError::bad_request(format!("invalid header name {k:?}")))?;
        let value = HeaderValue::from_str(v)
            .map_err(|_| ApiError::bad_request(format!("invalid value for header {k}")))?;
        builder = builder.header(name, value);
    }
    let request = builder
        .body(Body::from(t.body.unwrap_or_default()))
        .map_err(|e| ApiError::bad_request(format!("invalid request: {e}")))?;
    let started = Instant::now();
    let answer = tokio::time::timeout(TIMEOUT, send(s.gateway, request))
        .await
        .map_err(|_| ApiError::new(StatusCode::GATEWAY_TIMEOUT, "no answer within 60 s"))?
        .map_err(|e| {
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                format!("request to the gateway port failed: {e}"),
            )
        })?;
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (parts, bytes) = answer;
    let headers: IndexMap<String, String> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
        .collect();
    let shown = &bytes[..bytes.len().min(MAX_SHOWN)];
    Ok(ok(serde_json::json!({
        "status": parts.status.as_u16(),
        "headers": headers,
        "body": String::from_utf8_lossy(shown),
        "truncated": bytes.len() > MAX_SHOWN,
        "duration_ms": duration_ms,
    })))
}

type Answer = (axum::http::response::Parts, axum::body::Bytes);

async fn send(mut addr: std::net::SocketAddr, req: Request<Body>) -> Result<Answer, String> {
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connecting to {addr}: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!("try-it connection: {e}");
        }
    });
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(Body::new(body), MAX_SHOWN * 4)
        .await
        .map_err(|e| format!("reading the answer: {e}"))?;
    Ok((parts, bytes))
}
