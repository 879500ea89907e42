//! Reading a parsed head's pieces as text with one UTF-8 check for the whole head instead
//! of one per piece (a request's method, path, host and headers were a dozen checks,
//! about 900 instructions per request under callgrind).

use std::borrow::Cow;

use super::parse::Head;

/// The text of one parsed head: its ranges, read from the buffer it was parsed from.
#[derive(Debug, Clone, Copy)]
pub struct HeadText<'a> {
    buf: &'a [u8],
    /// The whole head, when it is valid UTF-8 (nearly always: it is ASCII).
    whole: Option<&'a str>,
}

impl<'a> HeadText<'a> {
    /// The text of `head`, parsed from `buf`.
    pub fn new(buf: &'a [u8], head: &Head) -> Self {
        let whole = buf
            .get(..head.len)
            .and_then(|h| std::str::from_utf8(h).ok());
        HeadText { buf, whole }
    }

    /// The text of a range; empty when the range is out of the buffer or is not UTF-8.
    pub fn get(&self, r: (usize, usize)) -> &'a str {
        self.try_get(r).unwrap_or_default()
    }

    /// The text of a range; `None` when the range is out of the buffer or is not UTF-8.
    pub fn try_get(&self, r: (usize, usize)) -> Option<&'a str> {
        match self.whole {
            // Slicing a `str` checks the two ends fall on character boundaries, which
            // costs a comparison each; no byte is checked twice.
            Some(whole) => whole.get(r.0..r.1),
            None => self
                .buf
                .get(r.0..r.1)
                .and_then(|b| std::str::from_utf8(b).ok()),
        }
    }

    /// The bytes of a range; empty when it is out of the buffer.
    pub fn bytes(&self, r: (usize, usize)) -> &'a [u8] {
        self.buf.get(r.0..r.1).unwrap_or_default()
    }

    /// The text of a range, with bytes that are not UTF-8 replaced (header values may
    /// carry obs-text).
    pub fn lossy(&self, r: (usize, usize)) -> Cow<'a, str> {
        match self.whole.and_then(|whole| whole.get(r.0..r.1)) {
            Some(text) => Cow::Borrowed(text),
            None => String::from_utf8_lossy(self.bytes(r)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::parse::parse_head;

    #[test]
    fn pieces_of_an_ascii_head_and_of_one_with_obs_text() {
        let raw = b"GET /a?b=1 HTTP/1.1\r\nHost: h\r\nX-Name: caf\xc3\xa9\r\n\r\n";
        let head = parse_head(raw, 4096).expect("valid").expect("complete");
        let t = HeadText::new(raw, &head);
        assert_eq!(t.get(head.method), "GET");
        assert_eq!(t.get(head.path), "/a");
        assert_eq!(t.get(head.query), "b=1");
        assert_eq!(t.lossy(head.headers[1].1), "café");
        assert_eq!(t.get((3, 999)), "", "out of the buffer");

        let raw = b"GET /a HTTP/1.1\r\nHost: h\r\nX-Name: caf\xe9\r\n\r\n";
        let head = parse_head(raw, 4096).expect("valid").expect("complete");
        let t = HeadText::new(raw, &head);
        assert!(t.whole.is_none(), "latin-1 is not UTF-8");
        assert_eq!(t.get(head.path), "/a", "the valid pieces still read");
        assert_eq!(t.get(head.headers[1].1), "");
        assert_eq!(t.lossy(head.headers[1].1), "caf\u{fffd}");
    }
}
