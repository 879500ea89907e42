//! `multipart/form-data` bodies, parsed with the `multer` crate.

use std::collections::HashMap;
use std::future::Future;
use std::task::{Context as TaskContext, Poll, Waker};

use crate::HandlerError;

/// An uploaded file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MultipartFile {
    /// Original filename, as the client sent it.
    pub filename: String,
    /// MIME type (`application/octet-stream` when the client sent none).
    pub content_type: String,
    /// File content.
    pub data: Vec<u8>,
}

/// A parsed `multipart/form-data` body: text fields and files by field name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MultipartData {
    /// Text form fields.
    pub fields: HashMap<String, String>,
    /// Uploaded files.
    pub files: HashMap<String, MultipartFile>,
}

impl MultipartData {
    /// A text field.
    pub fn field(&self, name: &str) -> Option<&String> {
        self.fields.get(name)
    }

    /// A required text field; `BadRequest` when missing.
    pub fn require_field(&self, name: &str) -> Result<&String, HandlerError> {
        self.field(name)
            .ok_or_else(|| HandlerError::BadRequest(format!("Missing form field: {name}")))
    }

    /// An uploaded file.
    pub fn file(&self, name: &str) -> Option<&MultipartFile> {
        self.files.get(name)
    }

    /// A required uploaded file; `BadRequest` when missing.
    pub fn require_file(&self, name: &str) -> Result<&MultipartFile, HandlerError> {
        self.file(name)
            .ok_or_else(|| HandlerError::BadRequest(format!("Missing file field: {name}")))
    }

    /// Parses `body` given the request's `Content-Type` (which carries the boundary).
    pub fn parse(content_type: &str, body: &[u8]) -> Result<Self, HandlerError> {
        let boundary = multer::parse_boundary(content_type)
            .map_err(|e| HandlerError::BadRequest(format!("Invalid multipart request: {e}")))?;
        let chunk = bytes::Bytes::copy_from_slice(body);
        let stream = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(chunk)]);
        let multipart = multer::Multipart::new(stream, boundary);
        // The whole body is already in memory, so the parser never waits: drive it to
        // completion with a no-op waker instead of pulling in an executor.
        ready(collect(multipart))
    }
}

async fn collect(mut mp: multer::Multipart<'static>) -> Result<MultipartData, HandlerError> {
    let bad = |e: multer::Error| HandlerError::BadRequest(format!("Invalid multipart body: {e}"));
    let mut out = MultipartData::default();
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        let filename = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(|m| m.to_string());
        let data = field.bytes().await.map_err(bad)?.to_vec();
        match filename {
            Some(filename) => {
                let content_type =
                    content_type.unwrap_or_else(|| "application/octet-stream".to_string());
                out.files.insert(
                    name,
                    MultipartFile {
                        filename,
                        content_type,
                        data,
                    },
                );
            }
            None => {
                let text = String::from_utf8(data).map_err(|_| {
                    HandlerError::BadRequest(format!("Form field '{name}' is not valid UTF-8"))
                })?;
                out.fields.insert(name, text);
            }
        }
    }
    Ok(out)
}

fn ready<T>(fut: impl Future<Output = Result<T, HandlerError>>) -> Result<T, HandlerError> {
    let mut fut = std::pin::pin!(fut);
    let mut cx = TaskContext::from_waker(Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        Poll::Ready(r) => r,
        Poll::Pending => Err(HandlerError::InternalError(
            "multipart parser waited on an in-memory body".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(boundary: &str) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHello\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.bin\"\r\nContent-Type: application/x-bin\r\n\r\n").as_bytes());
        b.extend_from_slice(&[0, 1, 2, 255, 13, 10, 0]);
        b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        b
    }

    #[test]
    fn parses_fields_and_binary_files() {
        let ct = "multipart/form-data; boundary=XyZ";
        let mp = MultipartData::parse(ct, &body("XyZ")).expect("parse");
        assert_eq!(
            mp.require_field("title").ok().map(String::as_str),
            Some("Hello")
        );
        let f = mp.require_file("upload").expect("file");
        assert_eq!(f.filename, "a.bin");
        assert_eq!(f.content_type, "application/x-bin");
        assert_eq!(f.data, vec![0, 1, 2, 255, 13, 10, 0]);
        assert!(mp.require_file("title").is_err());
        assert!(mp.field("missing").is_none());
    }

    #[test]
    fn bad_input_is_a_bad_request() {
        let e = MultipartData::parse("text/plain", b"x").err();
        assert_eq!(e.map(|e| e.status_code()), Some(400));
        let e = MultipartData::parse("multipart/form-data; boundary=A", b"--A\r\ngarbage").err();
        assert_eq!(e.map(|e| e.status_code()), Some(400));
    }
}
