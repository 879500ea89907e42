//! [`HandlerError`]: structured errors that carry their HTTP status.

use crate::Response;

/// An error a handler returns; each variant maps to an HTTP status code.
///
/// | Variant | Status |
/// |---|---|
/// | `BadRequest`, `ValidationError` | 400 |
/// | `Unauthorized` | 401 |
/// | `Forbidden` | 403 |
/// | `NotFound`, `NotFoundMessage` | 404 |
/// | `MethodNotAllowed` | 405 |
/// | `Conflict` | 409 |
/// | `PayloadTooLarge` | 413 |
/// | `IpcError`, `SerializationError`, `DatabaseError`, `RedisError`, `StorageError`, `InternalError`, `Internal` | 500 |
/// | `ServiceUnavailable` | 503 |
///
/// `?` converts `serde_json::Error` (into `SerializationError`), and `&str` and `String`
/// (into `InternalError`: a bare message says nothing about who is at fault, so it is a
/// server error; use a specific variant for client errors).
///
/// The product docs also show `HandlerError::NotFound("...")`; it contradicts the
/// documented definition (a unit `NotFound` plus `NotFoundMessage(String)`), which is what
/// the SDK implements.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// 400: invalid input, malformed JSON.
    #[error("Bad request: {0}")]
    BadRequest(String),
    /// 400: semantic validation failures.
    #[error("Validation error: {0}")]
    ValidationError(String),
    /// 401: missing or invalid authentication.
    #[error("Unauthorized: {0}")]
    Unauthorized(String),
    /// 403: authenticated but not allowed.
    #[error("Forbidden: {0}")]
    Forbidden(String),
    /// 404 with a generic message.
    #[error("Not found")]
    NotFound,
    /// 404 with a message.
    #[error("Not found: {0}")]
    NotFoundMessage(String),
    /// 405: wrong HTTP method.
    #[error("Method not allowed: {0}")]
    MethodNotAllowed(String),
    /// 409: resource conflict (duplicate).
    #[error("Conflict: {0}")]
    Conflict(String),
    /// 413: request body too large.
    #[error("Payload too large: {0}")]
    PayloadTooLarge(String),
    /// 500: communication with the gateway failed.
    #[error("IPC error: {0}")]
    IpcError(String),
    /// 500: JSON (de)serialization failed.
    #[error("Serialization error: {0}")]
    SerializationError(#[from] serde_json::Error),
    /// 500: a database operation failed.
    #[error("Database error: {0}")]
    DatabaseError(String),
    /// 500: a cache operation failed.
    #[error("Redis error: {0}")]
    RedisError(String),
    /// 500: a storage operation failed.
    #[error("Storage error: {0}")]
    StorageError(String),
    /// 500: server error.
    #[error("Internal error: {0}")]
    InternalError(String),
    /// 500: server error (alias of `InternalError`).
    #[error("Internal error: {0}")]
    Internal(String),
    /// 503: a backend service is down.
    #[error("Service unavailable: {0}")]
    ServiceUnavailable(String),
}

impl HandlerError {
    /// The HTTP status code of this error.
    pub fn status_code(&self) -> u16 {
        use HandlerError::*;
        match self {
            BadRequest(_) | ValidationError(_) => 400,
            Unauthorized(_) => 401,
            Forbidden(_) => 403,
            NotFound | NotFoundMessage(_) => 404,
            MethodNotAllowed(_) => 405,
            Conflict(_) => 409,
            PayloadTooLarge(_) => 413,
            IpcError(_) | SerializationError(_) | DatabaseError(_) | RedisError(_) => 500,
            StorageError(_) | InternalError(_) | Internal(_) => 500,
            ServiceUnavailable(_) => 503,
        }
    }

    /// The error as a JSON response: its status and `{"error": "<Display text>"}`.
    pub fn to_response(&self) -> Response {
        Response::json(
            self.status_code(),
            serde_json::json!({ "error": self.to_string() }),
        )
    }
}

impl From<HandlerError> for Response {
    fn from(e: HandlerError) -> Self {
        e.to_response()
    }
}

impl From<&str> for HandlerError {
    fn from(msg: &str) -> Self {
        HandlerError::InternalError(msg.to_string())
    }
}

impl From<String> for HandlerError {
    fn from(msg: String) -> Self {
        HandlerError::InternalError(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_match_the_documented_table() {
        let cases: Vec<(HandlerError, u16)> = vec![
            (HandlerError::BadRequest("x".into()), 400),
            (HandlerError::ValidationError("x".into()), 400),
            (HandlerError::Unauthorized("x".into()), 401),
            (HandlerError::Forbidden("x".into()), 403),
            (HandlerError::NotFound, 404),
            (HandlerError::NotFoundMessage("x".into()), 404),
            (HandlerError::MethodNotAllowed("x".into()), 405),
            (HandlerError::Conflict("x".into()), 409),
            (HandlerError::PayloadTooLarge("x".into()), 413),
            (HandlerError::IpcError("x".into()), 500),
            (HandlerError::DatabaseError("x".into()), 500),
            (HandlerError::RedisError("x".into()), 500),
            (HandlerError::StorageError("x".into()), 500),
            (HandlerError::InternalError("x".into()), 500),
            (HandlerError::Internal("x".into()), 500),
            (HandlerError::ServiceUnavailable("x".into()), 503),
        ];
        for (err, status) in cases {
            assert_eq!(err.status_code(), status, "{err:?}");
            assert_eq!(err.to_response().status, status, "{err:?}");
        }
    }

    #[test]
    fn to_response_carries_the_display_text() {
        let r = HandlerError::ValidationError("Invalid email".into()).to_response();
        assert_eq!(r.status, 400);
        assert_eq!(
            r.header("content-type").map(String::as_str),
            Some("application/json")
        );
        let body: serde_json::Value =
            serde_json::from_slice(r.body.as_ref().map(|b| b.as_bytes()).unwrap_or_default())
                .expect("json body");
        assert_eq!(
            body,
            serde_json::json!({"error": "Validation error: Invalid email"})
        );
    }

    #[test]
    fn question_mark_conversions() {
        fn from_json() -> Result<(), HandlerError> {
            let _: serde_json::Value = serde_json::from_str("{oops")?;
            Ok(())
        }
        fn from_str() -> Result<(), HandlerError> {
            Err("plain message")?
        }
        fn from_string() -> Result<(), HandlerError> {
            Err(format!("message {}", 1))?
        }
        assert!(matches!(
            from_json(),
            Err(HandlerError::SerializationError(_))
        ));
        assert_eq!(from_str().map_err(|e| e.status_code()), Err(500));
        assert_eq!(
            from_string().map_err(|e| e.to_string()),
            Err("Internal error: message 1".into())
        );
        let resp: Response = HandlerError::NotFound.into();
        assert_eq!(resp.status, 404);
    }
}
