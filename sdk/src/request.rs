//! [`Request`]: the incoming HTTP request as a handler sees it.

use std::collections::HashMap;
use std::str::FromStr;

use serde::de::DeserializeOwned;

use crate::{Body, HandlerError, MultipartData};

/// An incoming HTTP request.
///
/// The gateway fills every field before calling the handler: header names are lower-case
/// (look them up with [`Request::header`], which ignores case), `query` holds the decoded
/// query string, `params` the `{name}` segments of the endpoint's path pattern.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// HTTP method: `GET`, `POST`, `PUT`, `DELETE`, `PATCH`, ...
    pub method: String,
    /// Request path without the query string, e.g. `/users/123`.
    pub path: String,
    /// Decoded query parameters (the last value wins when a name repeats).
    pub query: HashMap<String, String>,
    /// Headers, names lower-case (repeated headers joined with `, `).
    pub headers: HashMap<String, String>,
    /// The body, binary-safe; `None` when the request has none.
    pub body: Option<Body>,
    /// Path parameters extracted from the route pattern.
    pub params: HashMap<String, String>,
    /// The client's IP address.
    pub client_ip: Option<String>,
    /// A unique id for tracing (also sent back as `X-Request-Id`).
    pub request_id: String,
}

fn lookup<'a>(map: &'a HashMap<String, String>, key: &str) -> Option<&'a String> {
    map.get(key)
}

fn lookup_ignore_case<'a>(map: &'a HashMap<String, String>, key: &str) -> Option<&'a String> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn require_parsed<T: FromStr>(
    value: Option<&String>,
    what: &str,
    key: &str,
) -> Result<T, HandlerError> {
    let raw = value.ok_or_else(|| HandlerError::BadRequest(format!("Missing {what}: {key}")))?;
    raw.parse()
        .map_err(|_| HandlerError::BadRequest(format!("Invalid {what} '{key}': {raw:?}")))
}

impl Request {
    /// Parses the body as JSON. A missing or malformed body is a `BadRequest`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, HandlerError> {
        let bytes = self.body.as_ref().map(Body::as_bytes).unwrap_or_default();
        if bytes.is_empty() {
            return Err(HandlerError::BadRequest(
                "Request body is empty; expected JSON".into(),
            ));
        }
        serde_json::from_slice(bytes)
            .map_err(|e| HandlerError::BadRequest(format!("Invalid JSON body: {e}")))
    }

    /// A query parameter.
    pub fn query_param(&self, key: &str) -> Option<&String> {
        lookup(&self.query, key)
    }

    /// A query parameter parsed as `T`; `None` when missing or unparsable.
    pub fn query_param_as<T: FromStr>(&self, key: &str) -> Option<T> {
        self.query_param(key).and_then(|v| v.parse().ok())
    }

    /// A required query parameter parsed as `T`; `BadRequest` when missing or invalid.
    pub fn require_query_param<T: FromStr>(&self, key: &str) -> Result<T, HandlerError> {
        require_parsed(self.query_param(key), "query parameter", key)
    }

    /// A path parameter (`{name}` in the endpoint's path).
    pub fn path_param(&self, key: &str) -> Option<&String> {
        lookup(&self.params, key)
    }

    /// A path parameter parsed as `T`; `None` when missing or unparsable.
    pub fn path_param_as<T: FromStr>(&self, key: &str) -> Option<T> {
        self.path_param(key).and_then(|v| v.parse().ok())
    }

    /// A required path parameter parsed as `T`; `BadRequest` when missing or invalid.
    pub fn require_path_param<T: FromStr>(&self, key: &str) -> Result<T, HandlerError> {
        require_parsed(self.path_param(key), "path parameter", key)
    }

    /// A header value (case-insensitive name).
    pub fn header(&self, key: &str) -> Option<&String> {
        lookup_ignore_case(&self.headers, key)
    }

    /// The scheme the client used to reach the gateway: `"https"` or `"http"`.
    ///
    /// Read from `x-forwarded-proto`, which the gateway sets on every request (a client's
    /// own value is kept only when it comes through a trusted proxy). Anything but
    /// `https` counts as `http`.
    pub fn scheme(&self) -> &'static str {
        match self.header("x-forwarded-proto") {
            Some(v) if v.trim().eq_ignore_ascii_case("https") => "https",
            _ => "http",
        }
    }

    /// A required header; `BadRequest` when missing.
    pub fn require_header(&self, key: &str) -> Result<&String, HandlerError> {
        self.header(key)
            .ok_or_else(|| HandlerError::BadRequest(format!("Missing required header: {key}")))
    }

    /// Whether the method is `method` (case-insensitive).
    pub fn is_method(&self, method: &str) -> bool {
        self.method.eq_ignore_ascii_case(method)
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&String> {
        self.header("content-type")
    }

    fn mime(&self) -> Option<String> {
        let ct = self.content_type()?;
        let essence = ct.split(';').next().unwrap_or_default().trim();
        Some(essence.to_ascii_lowercase())
    }

    /// Whether the content type is JSON (`application/json` or any `+json` type).
    pub fn is_json(&self) -> bool {
        self.mime()
            .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
    }

    /// Whether the content type is `multipart/form-data`.
    pub fn is_multipart(&self) -> bool {
        self.mime().is_some_and(|m| m == "multipart/form-data")
    }

    /// A copy of the raw body bytes (empty when there is no body).
    pub fn body_bytes(&self) -> Vec<u8> {
        self.body
            .as_ref()
            .map(|b| b.as_bytes().to_vec())
            .unwrap_or_default()
    }

    /// Parses a `multipart/form-data` body into text fields and files.
    pub fn multipart(&self) -> Result<MultipartData, HandlerError> {
        let ct = self
            .content_type()
            .ok_or_else(|| HandlerError::BadRequest("Missing Content-Type header".into()))?;
        MultipartData::parse(
            ct,
            self.body.as_ref().map(Body::as_bytes).unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn req() -> Request {
        let mut r = Request {
            method: "POST".into(),
            path: "/users/42".into(),
            body: Some(Body::from(r#"{"name":"Ada","age":36}"#)),
            ..Default::default()
        };
        r.headers.insert(
            "content-type".into(),
            "application/json; charset=utf-8".into(),
        );
        r.headers.insert("authorization".into(), "Bearer t".into());
        r.query.insert("page".into(), "2".into());
        r.query.insert("flag".into(), "yes".into());
        r.params.insert("id".into(), "42".into());
        r
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct User {
        name: String,
        age: u32,
    }

    #[test]
    fn scheme_comes_from_x_forwarded_proto() {
        let mut r = req();
        assert_eq!(r.scheme(), "http", "no header: plain HTTP");
        r.headers.insert("x-forwarded-proto".into(), "https".into());
        assert_eq!(r.scheme(), "https");
        r.headers
            .insert("x-forwarded-proto".into(), "gopher".into());
        assert_eq!(r.scheme(), "http");
    }

    #[test]
    fn json_parses_and_reports_bad_request() {
        let r = req();
        assert_eq!(
            r.json::<User>().ok(),
            Some(User {
                name: "Ada".into(),
                age: 36
            })
        );
        let mut bad = req();
        bad.body = Some(Body::from("{nope"));
        let err = bad.json::<User>().err();
        assert!(matches!(err, Some(HandlerError::BadRequest(_))), "{err:?}");
        bad.body = None;
        assert_eq!(bad.json::<User>().err().map(|e| e.status_code()), Some(400));
    }

    #[test]
    fn params_and_typed_access() {
        let r = req();
        assert_eq!(r.query_param("page").map(String::as_str), Some("2"));
        assert_eq!(r.query_param_as::<i64>("page"), Some(2));
        assert_eq!(r.query_param_as::<i64>("flag"), None);
        assert_eq!(r.query_param_as::<i64>("missing"), None);
        assert_eq!(r.require_query_param::<u8>("page").ok(), Some(2));
        let e = r.require_query_param::<u8>("flag").err();
        assert!(e.is_some_and(|e| e.status_code() == 400 && e.to_string().contains("flag")));
        let e = r.require_query_param::<u8>("limit").err();
        assert!(e.is_some_and(|e| e.to_string().contains("Missing query parameter: limit")));
        assert_eq!(r.path_param("id").map(String::as_str), Some("42"));
        assert_eq!(r.path_param_as::<u64>("id"), Some(42));
        assert_eq!(r.require_path_param::<i64>("id").ok(), Some(42));
        assert!(r.require_path_param::<i64>("other").is_err());
    }

    #[test]
    fn headers_ignore_case() {
        let r = req();
        for k in ["Authorization", "authorization", "AUTHORIZATION"] {
            assert_eq!(r.header(k).map(String::as_str), Some("Bearer t"));
        }
        assert!(r.require_header("X-Api-Key").is_err());
        assert!(r.is_method("post") && r.is_method("POST") && !r.is_method("GET"));
        assert!(r.is_json());
        assert!(!r.is_multipart());
        assert_eq!(r.body_bytes(), br#"{"name":"Ada","age":36}"#.to_vec());
    }

    #[test]
    fn plus_json_and_case_in_content_type() {
        let mut r = req();
        r.headers
            .insert("content-type".into(), "Application/Problem+JSON".into());
        assert!(r.is_json());
        r.headers.insert("content-type".into(), "text/plain".into());
        assert!(!r.is_json());
    }
}
