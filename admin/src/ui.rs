//! The admin UI at `/admin/`: a single-page app built from `admin/ui/` (Vite, Preact,
//! CodeMirror) into `admin/ui/dist/`, which is committed and embedded in the binary, so the
//! gateway serves it with no Node.js and no network at run time. Rebuild it with
//! `bash scripts/ui-build.sh`; the test command checks `dist/` matches its sources.
//!
//! The page itself needs no token; every API call it makes does, when one is set.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

#[derive(rust_embed::Embed)]
#[folder = "ui/dist/"]
struct Assets;

/// Routes `/admin`, `/admin/` and `/admin/<asset>`.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/admin/") }))
        .route("/admin", get(|| async { Redirect::to("/admin/") }))
        .route("/admin/", get(|| async { asset_or_index("index.html") }))
        .route(
            "/admin/{*path}",
            get(|Path(path): Path<String>| async move { asset_or_index(&path) }),
        )
}

/// The asset at `path`; unknown paths get the page itself (it routes by `#` fragment, so
/// this only matters for a reload on an odd URL).
fn asset_or_index(path: &str) -> Response {
    let file = match Assets::get(path) {
        Some(f) => f,
        None => match Assets::get("index.html") {
            Some(f) => f,
            None => {
                return (
                    StatusCode::NOT_FOUND,
                    "admin UI not built (bash scripts/ui-build.sh)",
                )
                    .into_response()
            }
        },
    };
    (
        [
            (header::CONTENT_TYPE, file.metadata.mimetype().to_string()),
            // Assets are named without hashes: always revalidate.
            (header::CACHE_CONTROL, "no-cache".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        file.data,
    )
        .into_response()
}
