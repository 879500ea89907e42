//! A binary-safe message body.

use std::borrow::Cow;
use std::fmt;

/// The bytes of a request or response body.
///
/// Bodies are binary-safe: any bytes survive a round trip unchanged. Text helpers
/// ([`Body::as_str`], [`Body::text`], `Display`) look at the bytes as UTF-8.
///
/// The product docs show `body: Option<String>`; a `String` cannot carry arbitrary
/// bytes (file uploads, images), so the SDK uses this type instead. Code written for the
/// string form keeps working for the common calls: `body.as_bytes()`, `body.len()`,
/// `body.to_string()`, `{}` and `{:?}` formatting, and comparison with `&str`.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Body(Vec<u8>);

impl Body {
    /// An empty body.
    pub const fn new() -> Self {
        Body(Vec::new())
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The body as UTF-8 text, or the decoding error.
    pub fn as_str(&self) -> Result<&str, std::str::Utf8Error> {
        std::str::from_utf8(&self.0)
    }

    /// The body as text, with invalid UTF-8 sequences replaced by U+FFFD.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the body has no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Takes the bytes out.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Ok(s) => fmt::Debug::fmt(s, f),
            Err(_) => write!(f, "<{} bytes of binary data>", self.0.len()),
        }
    }
}

impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Body {
    fn from(v: Vec<u8>) -> Self {
        Body(v)
    }
}
impl From<&[u8]> for Body {
    fn from(v: &[u8]) -> Self {
        Body(v.to_vec())
    }
}
impl<const N: usize> From<&[u8; N]> for Body {
    fn from(v: &[u8; N]) -> Self {
        Body(v.to_vec())
    }
}
impl From<String> for Body {
    fn from(s: String) -> Self {
        Body(s.into_bytes())
    }
}
impl From<&String> for Body {
    fn from(s: &String) -> Self {
        Body(s.as_bytes().to_vec())
    }
}
impl From<&str> for Body {
    fn from(s: &str) -> Self {
        Body(s.as_bytes().to_vec())
    }
}
impl From<Body> for Vec<u8> {
    fn from(b: Body) -> Self {
        b.0
    }
}

impl PartialEq<str> for Body {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}
impl PartialEq<&str> for Body {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}
impl PartialEq<[u8]> for Body {
    fn eq(&self, other: &[u8]) -> bool {
        self.0 == other
    }
}

impl serde::Serialize for Body {
    /// Text bodies serialize as a string, binary ones as an array of bytes.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_str() {
            Ok(text) => s.serialize_str(text),
            Err(_) => s.serialize_bytes(&self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_bytes_survive_unchanged() {
        let all: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        let body = Body::from(all.clone());
        assert_eq!(body.as_bytes(), &all[..]);
        assert!(body.as_str().is_err());
        assert_eq!(body.clone().into_bytes(), all);
        assert_eq!(format!("{body:?}"), "<512 bytes of binary data>");
    }

    #[test]
    fn text_helpers() {
        let body = Body::from("héllo");
        assert_eq!(body.as_str().ok(), Some("héllo"));
        assert_eq!(body.to_string(), "héllo");
        assert_eq!(body, "héllo");
        assert_eq!(body.len(), 6);
    }
}
