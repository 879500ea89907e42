//! `POST /api/endpoints/{id}/compile`: builds an endpoint's draft; what serves does not
//! change (`start` deploys the build).
//!
//! Plain, it answers once the build is over. With `?stream=true` it answers at once with
//! `application/x-ndjson`: one `{"line": "..."}` per line cargo prints, as it prints it, then
//! a last `{"done": true, "ok": ..., "data"|"error": ..., "status": <http status>}` carrying
//! what the plain call would have answered. The build and the store updates run to the end
//! even when the client goes away.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{json, Value as JsonValue};
use tokio::sync::mpsc;

use super::envelope::{ok, ApiError, ApiResult};
use super::AppState;

/// Query of the compile call.
#[derive(Debug, Default, Deserialize)]
pub struct CompileQuery {
    /// Stream cargo's output as NDJSON.
    #[serde(default)]
    pub stream: bool,
}

/// The handler.
pub async fn compile(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<CompileQuery>,
) -> ApiResult {
    if !q.stream {
        return build(&s, &id, |_| {}).await.map(ok);
    }
    // Fail fast on an unknown id, with the ordinary envelope.
    if s.store.get_endpoint(&id).await?.is_none() {
        return Err(ApiError::not_found("endpoint", &id));
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<Bytes>();
    tokio::spawn(async move {
        let lines = tx.clone();
        let result = build(&s, &id, move |line| {
            let _ = lines.send(ndjson(&json!({ "line": line })));
        })
        .await;
        let last = match result {
            Ok(data) => json!({ "done": true, "ok": true, "status": 200, "data": data }),
            Err(e) => json!({
                "done": true,
                "ok": false,
                "status": e.status.as_u16(),
                "error": e.message,
            }),
        };
        let _ = tx.send(ndjson(&last));
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx).map(|next| next.map(Ok::<_, Infallible>))
    });
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/x-ndjson"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

fn ndjson(v: &JsonValue) -> Bytes {
    let mut line = v.to_string();
    line.push('\n');
    Bytes::from(line)
}

/// Builds the draft and records the outcome (the lifecycle). A failure answers the
/// compiler's diagnostics and leaves whatever serves untouched.
async fn build(
    s: &AppState,
    id: &str,
    progress: impl FnMut(&str) + Send,
) -> Result<JsonValue, ApiError> {
    let report = s.lifecycle.compile(id, progress).await?;
    Ok(json!({
        "status": "compiled",
        "message": "Compilation successful",
        "version": report.version,
        "duration_ms": u64::try_from(report.duration.as_millis()).unwrap_or(u64::MAX),
    }))
}
