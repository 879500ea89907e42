//! The admin UI at `/admin/`: a single-page app built from `admin/ui/` (Vite, Preact,
//! CodeMirror) into `admin/ui/dist/`, which is committed and embedded in the binary, so the
//! gateway serves it with no Node.js and no network at run time. Rebuild it with
//! `bash scripts/ui-build.sh`; the test command checks `dist/` matches its sources.
//!
//! The page itself needs no token; every API call it makes does, when one is set. Assets
//! carry an ETag (their SHA-256) so a reload costs a 304, and are gzipped when the browser
//! accepts it.

use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;

/// The page's content security policy. CodeMirror adds its styles at run time, hence
/// inline styles; scripts only from this origin.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
    form-action 'self'";

#[derive(rust_embed::Embed)]
#[folder = "ui/dist/"]
struct Assets;

/// Routes `/`, `/admin`, `/admin/` and `/admin/<asset>`.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/admin/") }))
        .route("/admin", get(|| async { Redirect::to("/admin/") }))
        .route(
            "/admin/",
            get(|h: HeaderMap| async move { asset_or_index("index.html", &h) }),
        )
        .route(
            "/admin/{*path}",
            get(|Path(path): Path<String>, h: HeaderMap| async move { asset_or_index(&path, &h) }),
        )
        .layer(CompressionLayer::new())
}

/// The asset at `path`; unknown paths get the page itself (it routes by `#` fragment, so
/// this only matters for a reload on an odd URL).
fn asset_or_index(path: &str, headers: &HeaderMap) -> Response {
    let Some(file) = Assets::get(path).or_else(|| Assets::get("index.html")) else {
        return (
            StatusCode::NOT_FOUND,
            "admin UI not built (bash scripts/ui-build.sh)",
        )
            .into_response();
    };
    let hash = file.metadata.sha256_hash();
    let etag = format!(
        "\"{}\"",
        hash.iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let common = [
        (header::ETAG, etag.clone()),
        // Assets are named without hashes: always revalidate (a 304 when unchanged).
        (header::CACHE_CONTROL, "no-cache".to_string()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        // Never inside another site's frame (clickjacking), and only this origin's code.
        (header::X_FRAME_OPTIONS, "DENY".to_string()),
        (header::CONTENT_SECURITY_POLICY, CSP.to_string()),
    ];
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if matches {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [(header::CONTENT_TYPE, file.metadata.mimetype().to_string())],
        file.data,
    )
        .into_response()
}
