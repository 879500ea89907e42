//! `POST /api/endpoints/{id}/try`: sends one request to the endpoint on the gateway port and
//! answers what came back (the admin UI's "try it" panel; same origin, so no CORS on the
//! gateway port).
//!
//! Body: `{"path": "/hello?x=1", "headers": {"X-A": "1"}, "body": "..."}`, all optional;
//! the method is the endpoint's, the path defaults to its full path (collection base path
//! included), `Host` to its domain (`*.example.com` becomes `try.example.com`; a `Host`
//! in `headers` replaces it). Answer: `{"status", "headers": [[name, value], ...], "body",
//! "truncated", "duration_ms"}`; bodies over 1 MiB are cut.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use indexmap::IndexMap;
use serde::Deserialize;

use super::envelope::{ok, ApiError, ApiResult};
use super::{ApiJson, AppState};

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
    ApiJson(req): ApiJson<TryRequest>,
) -> ApiResult {
    let t = req;
    let e = super::endpoints::find(&s, &id).await?;
    let base = s
        .store
        .collection_base_path(e.collection_id.as_deref())
        .await?;
    let path = t
        .path
        .clone()
        .unwrap_or_else(|| crate::serving::full_path(base.as_deref(), &e.path));
    if !path.starts_with('/') {
        return Err(ApiError::bad_request("path must start with /"));
    }
    let method = Method::from_bytes(e.method.as_bytes())
        .map_err(|_| ApiError::bad_request(format!("invalid method {}", e.method)))?;
    let host = match e.domain.as_str() {
        "*" => s.gateway.to_string(),
        d => match d.strip_prefix("*.") {
            Some(suffix) => format!("try.{suffix}"),
            None => d.to_string(),
        },
    };
    let mut request = Request::builder()
        .method(method)
        .uri(&path)
        .body(Body::from(t.body.unwrap_or_default()))
        .map_err(|e| ApiError::bad_request(format!("invalid request: {e}")))?;
    let headers = request.headers_mut();
    headers.insert(
        header::HOST,
        HeaderValue::from_str(&host)
            .map_err(|_| ApiError::bad_request(format!("invalid host {host:?}")))?,
    );
    for (k, v) in &t.headers {
        let name = HeaderName::from_bytes(k.as_bytes())
            .map_err(|_| ApiError::bad_request(format!("invalid header name {k:?}")))?;
        let value = HeaderValue::from_str(v)
            .map_err(|_| ApiError::bad_request(format!("invalid value for header {k}")))?;
        if name == header::HOST {
            headers.insert(name, value);
        } else {
            headers.append(name, value);
        }
    }
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
    let (parts, bytes, truncated) = answer;
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
        .collect();
    Ok(ok(serde_json::json!({
        "status": parts.status.as_u16(),
        "headers": headers,
        "body": String::from_utf8_lossy(&bytes),
        "truncated": truncated,
        "duration_ms": duration_ms,
    })))
}

/// The answer's head, up to [`MAX_SHOWN`] bytes of its body, and whether there was more.
type Answer = (axum::http::response::Parts, Vec<u8>, bool);

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
    let (parts, mut body) = resp.into_parts();
    let mut bytes = Vec::new();
    let mut truncated = false;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("reading the answer: {e}"))?;
        if let Ok(data) = frame.into_data() {
            let room = MAX_SHOWN - bytes.len();
            if data.len() > room {
                bytes.extend_from_slice(&data[..room]);
                truncated = true;
                break;
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok((parts, bytes, truncated))
}
