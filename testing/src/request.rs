//! [`TestRequest`]: a request built the way the gateway fills one.

use std::collections::HashMap;

use rust_edge_gateway_sdk::Request;

/// Builds a [`Request`] for a handler test: method, path, query, headers (names lower-case,
/// as the gateway gives them), path parameters, body.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct TestRequest {
    req: Request,
}

impl TestRequest {
    /// A request with this method and path (a `?query` in the path is decoded into `query`).
    pub fn new(method: &str, path: &str) -> Self {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let query: HashMap<String, String> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_string(), v.to_string())
            })
            .collect();
        TestRequest {
            req: Request {
                method: method.to_ascii_uppercase(),
                path: path.to_string(),
                query,
                request_id: "test-request".into(),
                client_ip: Some("127.0.0.1".into()),
                ..Request::default()
            },
        }
    }

    /// `GET path`.
    pub fn get(path: &str) -> Self {
        Self::new("GET", path)
    }

    /// `POST path`.
    pub fn post(path: &str) -> Self {
        Self::new("POST", path)
    }

    /// A query parameter.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.req.query.insert(name.into(), value.into());
        self
    }

    /// A header (the name is stored lower-case).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.req
            .headers
            .insert(name.to_ascii_lowercase(), value.into());
        self
    }

    /// A path parameter, as the router extracts `{name}`.
    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.req.params.insert(name.into(), value.into());
        self
    }

    /// A raw body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.req.body = Some(body.into().into());
        self
    }

    /// A JSON body with its content type.
    pub fn json(self, value: &serde_json::Value) -> Self {
        self.header("content-type", "application/json")
            .body(value.to_string())
    }

    /// The request.
    pub fn build(self) -> Request {
        self.req
    }
}
