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

fn chunk_size(line: &[u8]) -> Result<u64, HttpError> {
    let digits = match line.iter().position(|b| *b == b';') {
        Some(i) => &line[..i],
        None => line,
    };
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
}
