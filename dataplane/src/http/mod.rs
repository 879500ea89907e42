//! HTTP/1.1 for the dataplane, hardened against request smuggling (RFC 9112).
//!
//! - [`parse`]: the request head, bounded, with every framing check that decides where one
//!   request ends and the next begins.
//! - [`body`]: `Content-Length` and chunked bodies, bounded.
//! - [`encode`]: the response head and body, with `Date` and `Content-Length`.
//! - [`date`]: the cached `Date` header value.
//! - [`head_text`]: a parsed head's pieces as text, after one UTF-8 check.
//!
//! A request that fails any check gets a 4xx and the connection is closed: after a framing
//! error nothing that follows on the connection can be trusted.

pub mod body;
pub mod date;
pub mod encode;
pub mod head_text;
pub mod parse;

/// Why a request was rejected before reaching a handler; each maps to a status code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// Malformed request or framing (smuggling attempt, bad chunk, invalid bytes).
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The request head exceeds the configured limit.
    #[error("request header fields too large")]
    HeadersTooLarge,
    /// The body exceeds the endpoint's limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// A transfer coding other than chunked.
    #[error("transfer coding not implemented")]
    NotImplemented,
    /// An `Expect` other than `100-continue` (RFC 9110 §10.1.1).
    #[error("expectation failed")]
    ExpectationFailed,
    /// An HTTP version other than 1.0 and 1.1.
    #[error("HTTP version not supported")]
    VersionNotSupported,
}

impl HttpError {
    /// The status code sent for this error.
    pub fn status(&self) -> u16 {
        match self {
            HttpError::BadRequest(_) => 400,
            HttpError::HeadersTooLarge => 431,
            HttpError::PayloadTooLarge => 413,
            HttpError::NotImplemented => 501,
            HttpError::ExpectationFailed => 417,
            HttpError::VersionNotSupported => 505,
        }
    }
}
