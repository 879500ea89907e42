//! [`Response`]: what a handler returns.

use std::collections::HashMap;

use serde::Serialize;

use crate::Body;

const JSON: &str = "application/json";
const TEXT: &str = "text/plain; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// An HTTP response.
///
/// Header names are stored lower-case ([`Response::with_header`] replaces a header whatever
/// the case it was given in); the gateway adds `content-length` and `date` itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-case.
    pub headers: HashMap<String, String>,
    /// Body; `None` for an empty body.
    pub body: Option<Body>,
}

impl Response {
    /// A response with just a status code and no body.
    pub fn new(status: u16) -> Self {
        Response {
            status,
            headers: HashMap::new(),
            body: None,
        }
    }

    fn with_content(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        let mut headers = HashMap::with_capacity(2);
        headers.insert("content-type".to_string(), content_type.to_string());
        Response {
            status,
            headers,
            body: Some(Body::from(body)),
        }
    }

    /// A JSON response with a custom status. A value that cannot be serialized gives a 500
    /// with the serializer's message.
    pub fn json<T: Serialize>(status: u16, body: T) -> Self {
        match serde_json::to_vec(&body) {
            Ok(bytes) => Self::with_content(status, JSON, bytes),
            Err(e) => Self::with_content(
                500,
                JSON,
                serde_json::json!({ "error": format!("Serialization error: {e}") })
                    .to_string()
                    .into_bytes(),
            ),
        }
    }

    /// 200 OK with a JSON body.
    pub fn ok<T: Serialize>(body: T) -> Self {
        Self::json(200, body)
    }

    /// 201 Created with a JSON body.
    pub fn created<T: Serialize>(body: T) -> Self {
        Self::json(201, body)
    }

    /// 202 Accepted with a JSON body (an asynchronous operation started).
    pub fn accepted<T: Serialize>(body: T) -> Self {
        Self::json(202, body)
    }

    /// 204 No Content.
    pub fn no_content() -> Self {
        Self::new(204)
    }

    /// A `text/plain` response.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::with_content(status, TEXT, body.into().into_bytes())
    }

    /// A `text/html` response.
    pub fn html(status: u16, body: impl Into<String>) -> Self {
        Self::with_content(status, HTML, body.into().into_bytes())
    }

    /// A binary response (files, images) with the given content type.
    pub fn binary(status: u16, data: impl AsRef<[u8]>, content_type: impl Into<String>) -> Self {
        let mut r = Self::new(status);
        r.headers
            .insert("content-type".to_string(), content_type.into());
        r.body = Some(Body::from(data.as_ref()));
        r
    }

    /// A redirect to `location` (use 301, 302, 303, 307 or 308).
    pub fn redirect(status: u16, location: impl Into<String>) -> Self {
        Self::new(status).with_header("location", location)
    }

    fn error(status: u16, message: impl Into<String>) -> Self {
        Self::json(status, serde_json::json!({ "error": message.into() }))
    }

    /// 400 Bad Request with `{"error": message}`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::error(400, message)
    }

    /// 401 Unauthorized with `{"error": message}`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::error(401, message)
    }

    /// 403 Forbidden with `{"error": message}`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::error(403, message)
    }

    /// 404 Not Found with `{"error": "Not found"}`.
    pub fn not_found() -> Self {
        Self::error(404, "Not found")
    }

    /// 404 Not Found with `{"error": message}`.
    pub fn not_found_msg(message: impl Into<String>) -> Self {
        Self::error(404, message)
    }

    /// 409 Conflict with `{"error": message}`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::error(409, message)
    }

    /// 500 Internal Server Error with `{"error": message}`.
    pub fn internal_error(message: impl Into<String>) -> Self {
        Self::error(500, message)
    }

    /// 503 Service Unavailable with `{"error": message}`.
    pub fn service_unavailable(message: impl Into<String>) -> Self {
        Self::error(503, message)
    }

    /// Sets a header, replacing any header of the same name (names are case-insensitive).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let mut name = name.into();
        name.make_ascii_lowercase();
        self.headers.insert(name, value.into());
        self
    }

    /// Sets or replaces the body.
    pub fn with_body(mut self, body: impl Into<Body>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Adds CORS headers allowing `origin` (`"*"` for any).
    pub fn with_cors(self, origin: impl Into<String>) -> Self {
        self.with_header("access-control-allow-origin", origin)
            .with_header(
                "access-control-allow-methods",
                "GET, POST, PUT, PATCH, DELETE, OPTIONS",
            )
            .with_header(
                "access-control-allow-headers",
                "Content-Type, Authorization, X-Requested-With",
            )
    }

    /// Adds caching headers: `public, max-age=N`, or no caching at all for 0.
    pub fn with_cache(self, max_age_seconds: u32) -> Self {
        if max_age_seconds == 0 {
            self.with_header("cache-control", "no-cache, no-store, must-revalidate")
        } else {
            self.with_header(
                "cache-control",
                format!("public, max-age={max_age_seconds}"),
            )
        }
    }

    /// A header value by name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&String> {
        self.headers.get(name).or_else(|| {
            self.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    }

    /// The body bytes (empty when there is no body).
    pub fn body_bytes(&self) -> &[u8] {
        self.body.as_ref().map(Body::as_bytes).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn ct(r: &Response) -> Option<&str> {
        r.header("Content-Type").map(String::as_str)
    }

    fn body_json(r: &Response) -> Value {
        serde_json::from_slice(r.body_bytes()).expect("json body")
    }

    #[test]
    fn constructors_set_status_and_content_type() {
        let cases = [
            (Response::ok(json!({"a": 1})), 200, Some(JSON)),
            (Response::created(json!({})), 201, Some(JSON)),
            (Response::accepted(json!({})), 202, Some(JSON)),
            (Response::no_content(), 204, None),
            (Response::json(418, json!({})), 418, Some(JSON)),
            (Response::text(200, "hi"), 200, Some(TEXT)),
            (Response::html(200, "<p>"), 200, Some(HTML)),
            (
                Response::binary(200, [0u8, 255], "image/png"),
                200,
                Some("image/png"),
            ),
            (Response::new(301), 301, None),
            (Response::bad_request("m"), 400, Some(JSON)),
            (Response::unauthorized("m"), 401, Some(JSON)),
            (Response::forbidden("m"), 403, Some(JSON)),
            (Response::not_found(), 404, Some(JSON)),
            (Response::not_found_msg("m"), 404, Some(JSON)),
            (Response::conflict("m"), 409, Some(JSON)),
            (Response::internal_error("m"), 500, Some(JSON)),
            (Response::service_unavailable("m"), 503, Some(JSON)),
        ];
        for (r, status, content_type) in cases {
            assert_eq!(r.status, status);
            assert_eq!(ct(&r), content_type, "status {status}");
        }
    }

    #[test]
    fn bodies() {
        assert_eq!(body_json(&Response::ok(json!({"a": 1}))), json!({"a": 1}));
        assert_eq!(
            body_json(&Response::not_found()),
            json!({"error": "Not found"})
        );
        assert_eq!(
            body_json(&Response::conflict("dup")),
            json!({"error": "dup"})
        );
        assert_eq!(Response::text(200, "hi").body_bytes(), b"hi");
        assert_eq!(
            Response::binary(200, [0u8, 255, 1], "x/y").body_bytes(),
            &[0, 255, 1]
        );
        assert!(Response::no_content().body.is_none());
        let r = Response::redirect(302, "/new");
        assert_eq!(r.header("Location").map(String::as_str), Some("/new"));
    }

    #[test]
    fn with_header_replaces_whatever_the_case() {
        let r = Response::text(200, "<p>").with_header("Content-Type", "text/html");
        assert_eq!(ct(&r), Some("text/html"));
        assert_eq!(r.headers.len(), 1);
        let r = Response::new(200)
            .with_header("X-A", "1")
            .with_header("x-a", "2");
        assert_eq!(r.header("X-A").map(String::as_str), Some("2"));
    }

    #[test]
    fn cors_and_cache() {
        let r = Response::ok(json!({}))
            .with_cors("https://app.example")
            .with_cache(3600);
        assert_eq!(
            r.header("access-control-allow-origin").map(String::as_str),
            Some("https://app.example")
        );
        assert!(r.header("access-control-allow-methods").is_some());
        assert_eq!(
            r.header("cache-control").map(String::as_str),
            Some("public, max-age=3600")
        );
        let r = Response::ok(json!({})).with_cache(0);
        assert!(r
            .header("cache-control")
            .is_some_and(|v| v.contains("no-store")));
    }

    #[test]
    fn unserializable_json_is_a_500() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1u8], 1); // non-string keys cannot be JSON object keys
        let r = Response::ok(map);
        assert_eq!(r.status, 500);
        assert!(body_json(&r)["error"]
            .as_str()
            .is_some_and(|e| e.contains("Serialization")));
    }
}
