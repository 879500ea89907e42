//! Request bodies: chunked decoding as an incremental state machine (bodies arrive in
//! pieces; nothing is re-scanned), strict about every CRLF and chunk size.

use super::HttpError;

const MAX_LINE: usize = 4096;
const MAX_TRAILERS: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Size,
    Data(u64),
    DataEnd,
    Trailer,
    Done,
}

/// Decodes a `Transfer-Encoding: chunked` body.
#[derive(Debug)]
pub struct ChunkedDecoder {
    state: State,
    body: Vec<u8>,
    max: usize,
    trailer_bytes: usize,
}

fn line(input: &[u8]) -> Result<Option<(&[u8], usize)>, HttpError> {
    match input.iter().position(|b| *b == b'\n') {
        Some(i) if i > 0 && input[i - 1] == b'\r' => Ok(Some((&input[..i - 1], i + 1))),
        Some(_) => Err(HttpError::BadRequest("bare LF in chunked body")),
        None if input.len() > MAX_LINE => Err(HttpError::BadRequest("chunk line too long")),
        None => Ok(None),
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Skips `BWS` (RFC 9110 §5.6.3: spaces and tabs).
fn skip_ws(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
    &s[n..]
}

fn token(s: &[u8]) -> Option<&[u8]> {
    let n = s.iter().take_while(|b| is_tchar(**b)).count();
    (n > 0).then(|| &s[n..])
}

/// `quoted-string` (RFC 9110 §5.6.4); returns what follows it.
fn quoted(s: &[u8]) -> Option<&[u8]> {
    let mut rest = s.strip_prefix(b"\"")?;
    loop {
        match rest {
            [b'"', tail @ ..] => return Some(tail),
            [b'\\', c, tail @ ..] if *c == b'\t' || *c >= 0x20 && *c != 0x7f => rest = tail,
            [c, tail @ ..]
                if *c == b'\t'
                    || *c == b' '
                    || *c == 0x21
                    || (0x23..=0x5b).contains(c)
                    || (0x5d..=0x7e).contains(c)
                    || *c >= 0x80 =>
            {
                rest = tail
            }
            _ => return None,
        }
    }
}

/// Checks `chunk-ext` (RFC 9112 §7.1.1):
/// `*( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`, the name a token,
/// the value a token or a quoted-string. No bare `;`, no CR or other control characters.
fn valid_extensions(mut s: &[u8]) -> bool {
    while !s.is_empty() {
        let Some(rest) = skip_ws(s).strip_prefix(b";") else {
            return false;
        };
        let Some(rest) = token(skip_ws(rest)) else {
            return false;
        };
        let after_name = skip_ws(rest);
        s = match after_name.strip_prefix(b"=") {
            Some(v) => {
                let v = skip_ws(v);
                match token(v).or_else(|| quoted(v)) {
                    Some(rest) => rest,
                    None => return false,
                }
            }
            None => rest,
        };
    }
    true
}

fn chunk_size(line: &[u8]) -> Result<u64, HttpError> {
    let n = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    let (digits, extensions) = line.split_at(n);
    if !valid_extensions(extensions) {
        return Err(HttpError::BadRequest("invalid chunk extension"));
    }
    if digits.is_empty() || digits.len() > 15 || !digits.iter().all(u8::is_ascii_hexdigit) {
        return Err(HttpError::BadRequest("invalid chunk size"));
    }
    let text =
        std::str::from_utf8(digits).map_err(|_| HttpError::BadRequest("invalid chunk size"))?;
    u64::from_str_radix(text, 16).map_err(|_| HttpError::BadRequest("invalid chunk size"))
}

impl ChunkedDecoder {
    /// A decoder accepting at most `max` body bytes (more is a 413).
    pub fn new(max: usize) -> Self {
        ChunkedDecoder {
            state: State::Size,
            body: Vec::new(),
            max,
            trailer_bytes: 0,
        }
    }

    /// Consumes what it can of `input`; returns how many bytes it used. Call again with
    /// more input until [`ChunkedDecoder::is_done`].
    pub fn feed(&mut self, input: &[u8]) -> Result<usize, HttpError> {
        let mut used = 0;
        loop {
            let rest = &input[used..];
            match self.state {
                State::Done => return Ok(used),
                State::Size => {
                    let Some((l, n)) = line(rest)? else {
                        return Ok(used);
                    };
                    let size = chunk_size(l)?;
                    if size > (self.max - self.body.len()) as u64 {
                        return Err(HttpError::PayloadTooLarge);
                    }
                    used += n;
                    self.state = if size == 0 {
                        State::Trailer
                    } else {
                        State::Data(size)
                    };
                }
                State::Data(remaining) => {
                    if rest.is_empty() {
                        return Ok(used);
                    }
                    let take = rest
                        .len()
                        .min(usize::try_from(remaining).unwrap_or(usize::MAX));
                    self.body.extend_from_slice(&rest[..take]);
                    used += take;
                    let left = remaining - take as u64;
                    self.state = if left == 0 {
                        State::DataEnd
                    } else {
                        State::Data(left)
                    };
                }
                State::DataEnd => {
                    if rest.len() < 2 {
                        return Ok(used);
                    }
                    if &rest[..2] != b"\r\n" {
                        return Err(HttpError::BadRequest("chunk data not followed by CRLF"));
                    }
                    used += 2;
                    self.state = State::Size;
                }
                State::Trailer => {
                    let Some((l, n)) = line(rest)? else {
                        return Ok(used);
                    };
                    used += n;
                    self.trailer_bytes += n;
                    if self.trailer_bytes > MAX_TRAILERS {
                        return Err(HttpError::HeadersTooLarge);
                    }
                    if l.is_empty() {
                        self.state = State::Done;
                    } else if !l.contains(&b':') || l[0] == b' ' || l[0] == b'\t' {
                        return Err(HttpError::BadRequest("malformed trailer field"));
                    }
                }
            }
        }
    }

    /// Whether the final chunk and trailers were read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Bytes the decoded body holds so far (its allocation).
    pub fn buffered(&self) -> usize {
        self.body.capacity()
    }

    /// The decoded body.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(input: &[u8], step: usize) -> Result<(Vec<u8>, usize), HttpError> {
        let mut d = ChunkedDecoder::new(1 << 20);
        let mut buf = Vec::new();
        let mut consumed = 0;
        for piece in input.chunks(step) {
            buf.extend_from_slice(piece);
            consumed += d.feed(&buf[consumed..])?;
            if d.is_done() {
                return Ok((d.into_body(), consumed));
            }
        }
        Err(HttpError::BadRequest("incomplete"))
    }

    #[test]
    fn decodes_in_any_split() {
        let wire = b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
        for step in [1, 2, 3, 7, 100] {
            let (body, used) = decode_all(wire, step).expect("decode");
            assert_eq!(body, b"hello, world");
            assert_eq!(&wire[used..], b"NEXT", "step {step}");
        }
    }

    #[test]
    fn rejects_bad_framing() {
        let bad: [&[u8]; 7] = [
            b"z\r\nhello\r\n0\r\n\r\n",
            b"5\r\nhelloXX0\r\n\r\n",
            b"5\nhello\r\n0\r\n\r\n",
            b"-5\r\nhello\r\n0\r\n\r\n",
            b"fffffffffffffffff\r\n",
            b"\r\nhello\r\n",
            b"0\r\n bad trailer\r\n\r\n",
        ];
        for wire in bad {
            assert!(
                decode_all(wire, 100).is_err(),
                "{:?}",
                String::from_utf8_lossy(wire)
            );
        }
    }

    #[test]
    fn enforces_the_body_limit() {
        let mut d = ChunkedDecoder::new(4);
        assert_eq!(d.feed(b"5\r\nhello\r\n"), Err(HttpError::PayloadTooLarge));
    }

    /// RFC 9112 §7.1.1: `chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] )`, name a
    /// token, value a token or quoted-string.
    #[test]
    fn chunk_extensions_follow_the_grammar() {
        for ok in [
            "5;a",
            "5;a=b",
            "5 ; a = b",
            "5;a=\"q \\\" x\";b",
            "5;a;b=c",
            "5\t;a",
        ] {
            assert!(chunk_size(ok.as_bytes()).is_ok(), "{ok:?}");
        }
        for bad in [
            "5;",
            "5; ",
            "5;=b",
            "5;a=",
            "5;a=\"open",
            "5;a=b c",
            "5 ",
            "5;a\x01",
            "5;a=\"\x7f\"",
            "5;a=b;",
            "5x",
        ] {
            assert_eq!(
                chunk_size(bad.as_bytes()),
                Err(HttpError::BadRequest("invalid chunk extension")),
                "{bad:?}"
            );
        }
        // A CR inside a chunk line never reaches the grammar whole: the line ends at CRLF
        // and a lone CR is an invalid byte.
        assert!(decode_all(b"5;a\rb\r\nhello\r\n0\r\n\r\n", 100).is_err());
    }
}
