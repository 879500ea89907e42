//! The management API's envelope: `{"ok":true,"data":...}` / `{"ok":false,"error":"..."}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// A successful answer.
pub fn ok<T: Serialize>(data: T) -> Response {
    Json(serde_json::json!({ "ok": true, "data": data })).into_response()
}

/// An error answer with its HTTP status.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Message for people.
    pub message: String,
}

impl ApiError {
    /// 400 with a message.
    pub fn bad_request(msg: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: msg.into(),
        }
    }

    /// 404 for `what` with this id.
    pub fn not_found(what: &str, id: &str) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("{what} not found: {id}"),
        }
    }

    /// 500.
    pub fn internal(msg: impl std::fmt::Display) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: msg.to_string(),
        }
    }

    /// Any status.
    pub fn new(status: StatusCode, msg: impl Into<String>) -> Self {
        ApiError {
            status,
            message: msg.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({ "ok": false, "error": self.message })),
        )
            .into_response()
    }
}

impl From<crate::lifecycle::LifecycleError> for ApiError {
    fn from(e: crate::lifecycle::LifecycleError) -> Self {
        use crate::lifecycle::LifecycleError as L;
        let status = match &e {
            L::NotFound(_) => StatusCode::NOT_FOUND,
            L::NotCompiled | L::InvalidDependencies(_) | L::Route(_) => StatusCode::BAD_REQUEST,
            L::DraftChanged { .. } | L::StaleBuild | L::Start(_) => StatusCode::CONFLICT,
            L::CompileFailed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            L::Store(s) if s.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            L::Artifacts(_) => StatusCode::SERVICE_UNAVAILABLE,
            L::Compiler(_) | L::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!("{e}");
        }
        ApiError::new(status, e.to_string())
    }
}

impl From<crate::route::RouteError> for ApiError {
    fn from(e: crate::route::RouteError) -> Self {
        ApiError::bad_request(e.0)
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        if let crate::store::StoreError::Invalid(m) = e {
            return ApiError::bad_request(m);
        }
        if e.is_unavailable() {
            tracing::warn!("{e}");
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("the config store is unreachable; nothing was changed ({e})"),
            );
        }
        tracing::error!("{e}");
        ApiError::internal(e)
    }
}

/// The result of a handler.
pub type ApiResult = Result<Response, ApiError>;
