//! Reading: a complete head (idle keep-alive wait, then the head deadline), then the body
//! the head announces (Content-Length or chunked, bounded, `Expect: 100-continue`).

use monoio::buf::IoBufMut;
use monoio::io::{AsyncReadRent, AsyncWriteRent};

use super::{App, End, Session, LINGER, LINGER_MAX};
use crate::http::body::ChunkedDecoder;
use crate::http::parse::{parse_head_into, BodyKind, Head};
use crate::http::HttpError;
use crate::protections::DeadlineKind;

/// What one read brought.
enum Read {
    Data,
    Eof,
    Expired,
}

const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

impl<S, A> Session<S, A>
where
    S: AsyncReadRent + AsyncWriteRent,
    A: App,
{
    /// Reads more bytes onto the end of `buf` within the current deadline. Callers flush
    /// owed output first (a client may wait for it before sending more), then set the
    /// deadline: a flush sets the write deadline.
    async fn read_more(&mut self) -> Result<Read, End> {
        // Small first (an idle keep-alive connection holds this buffer in its pending read),
        // then doubling for large heads and bodies.
        // A body of known length grows the buffer up to its end, not past it.
        let (cap, len, end) = (self.buf.capacity(), self.buf.len(), self.body_end);
        let want_free = if end > len { (end - len).min(512) } else { 512 };
        if cap - len < want_free {
            let mut grown = cap + cap.max(2048);
            if end > len {
                grown = grown.min(end);
            }
            self.reserve_to(grown)?;
        }
        let owned = std::mem::take(&mut self.buf);
        let len = owned.len();
        match self
            .deadline
            .within(self.stream.read(owned.slice_mut(len..)))
            .await
        {
            Some((res, slice)) => {
                self.buf = slice.into_inner();
                Ok(match res {
                    Ok(0) | Err(_) => Read::Eof,
                    Ok(_) => Read::Data,
                })
            }
            // The buffer went with the cancelled read; the connection closes anyway.
            None => {
                self.charge.cover(0);
                Ok(Read::Expired)
            }
        }
    }

    /// Grows `buf` to hold `capacity` bytes in all, charged to the worker's byte budget
    /// first: [`End::Overloaded`] when the worker is at its cap.
    fn reserve_to(&mut self, capacity: usize) -> Result<(), End> {
        if capacity <= self.buf.capacity() {
            return Ok(());
        }
        if !self.charge.cover(capacity) {
            return Err(End::Overloaded);
        }
        self.buf.reserve_exact(capacity - self.buf.len());
        // The allocator may round up; charge what is held.
        self.charge.cover(self.buf.capacity());
        Ok(())
    }

    /// Reads until `buf` starts with a complete head.
    pub(super) async fn read_head(&mut self) -> Result<Head, End> {
        let mut started = false;
        loop {
            if !self.buf.is_empty() {
                let spare = &mut self.spare_headers;
                if let Some(head) = parse_head_into(&self.buf, self.limits.max_head, spare)? {
                    self.fresh = false;
                    return Ok(head);
                }
                if !started {
                    // Part of a head is here already (pipelined): its deadline runs now.
                    started = true;
                    self.flush().await?;
                    self.deadline.set(self.limits.header_timeout, false);
                }
            } else if self.app.draining() {
                return Err(End::Quiet);
            } else {
                // Idle wait (first byte, or keep-alive between requests): shutdown may end it.
                self.flush().await?;
                let wait = if self.fresh {
                    self.limits.first_byte_timeout
                } else {
                    self.limits.keepalive_timeout
                };
                self.deadline.set(wait, true);
            }
            match self.read_more().await? {
                Read::Data if !started => {
                    started = true;
                    self.deadline.set(self.limits.header_timeout, false);
                }
                Read::Data => {}
                Read::Eof => return Err(End::Quiet),
                Read::Expired if started => {
                    self.count_deadline(DeadlineKind::Head);
                    return Err(End::Reject(
                        408,
                        "timed out reading the request head".into(),
                    ));
                }
                Read::Expired => {
                    if !self.app.draining() {
                        self.count_deadline(if self.fresh {
                            DeadlineKind::FirstByte
                        } else {
                            DeadlineKind::KeepAlive
                        });
                    }
                    return Err(End::Quiet);
                }
            }
        }
    }

    /// Lingering close: shuts down the write side, then reads and discards what the client
    /// still sends, until it closes, [`LINGER`] passes or [`LINGER_MAX`] bytes came.
    /// Shutdown ends it at once.
    pub(super) async fn linger(&mut self) {
        let _ = self.stream.shutdown().await;
        self.deadline.set(LINGER, true);
        let mut discarded = 0;
        while discarded < LINGER_MAX {
            self.buf.clear();
            match self.read_more().await {
                Ok(Read::Data) => discarded += self.buf.len(),
                _ => return,
            }
        }
    }

    /// One body read under the body deadline (mod_reqtimeout style): `body_timeout` from
    /// the start of the body, plus a second per `body_min_rate` bytes received, so a
    /// trickle ends however long each byte keeps the read alive. No single read may wait
    /// longer than `body_timeout` either: a body that stalls after megabytes (which earned
    /// it hours) is closed `body_timeout` after its last byte.
    async fn read_body_more(&mut self, start_ms: u64, received: usize) -> Result<(), End> {
        self.flush().await?;
        let earned =
            (received as u64).saturating_mul(1000) / u64::from(self.limits.body_min_rate.max(1));
        let budget = u64::try_from(self.limits.body_timeout.as_millis()).unwrap_or(u64::MAX);
        let overall = start_ms.saturating_add(budget).saturating_add(earned);
        let stalled = self.deadline.now_ms().saturating_add(budget);
        self.deadline.set_at(overall.min(stalled));
        match self.read_more().await? {
            Read::Data => Ok(()),
            Read::Eof => Err(HttpError::BadRequest("connection closed mid-body").into()),
            Read::Expired => {
                self.count_deadline(DeadlineKind::Body);
                Err(End::Reject(408, "timed out reading the body".into()))
            }
        }
    }

    /// Sends `100 Continue` if the client asked for it and has not sent the body yet.
    async fn send_continue(&mut self) -> Result<(), End> {
        self.out.extend_from_slice(CONTINUE);
        self.flush().await
    }

    /// Reads the body described by `head`, which starts at `buf[head.len..]`; returns it and
    /// the number of bytes of `buf` the request used.
    pub(super) async fn read_body(
        &mut self,
        head: &Head,
        max_body: usize,
    ) -> Result<(Vec<u8>, usize), End> {
        let start_ms = self.deadline.now_ms();
        // A body is buffered whole: one larger than the gateway's ceiling or than the
        // worker's whole byte budget could never be taken (413, not a 503 to retry).
        let max_body = max_body
            .min(self.limits.max_body)
            .min(self.charge.guards().budget.cap());
        match head.body {
            BodyKind::None => Ok((Vec::new(), head.len)),
            BodyKind::Length(n) => {
                let n = usize::try_from(n).map_err(|_| HttpError::PayloadTooLarge)?;
                if n > max_body {
                    return Err(HttpError::PayloadTooLarge.into());
                }
                let end = head.len + n;
                // The whole body is charged before any of it is read (or 100 Continue
                // asks for it): a worker at its cap answers 503 at once. The buffer
                // itself grows as the body comes.
                if !self.charge.expect(end) {
                    return Err(End::Overloaded);
                }
                self.body_end = end;
                if head.expect_continue && self.buf.len() < end {
                    self.send_continue().await?;
                }
                while self.buf.len() < end {
                    let received = self.buf.len().saturating_sub(head.len);
                    self.read_body_more(start_ms, received).await?;
                }
                let body = self.buf.get(head.len..end).unwrap_or_default().to_vec();
                Ok((body, end))
            }
            BodyKind::Chunked => {
                let mut decoder = ChunkedDecoder::new(max_body);
                let mut used = head.len;
                let mut continued = !head.expect_continue;
                let mut consumed = 0;
                loop {
                    let fed = decoder.feed(self.buf.get(used..).unwrap_or_default())?;
                    consumed += fed;
                    // Decoded bytes leave the read buffer (the head stays: the request is
                    // built from it), so a chunked body is held once, not twice.
                    self.buf.drain(head.len..used + fed);
                    used = head.len;
                    if decoder.is_done() {
                        return Ok((decoder.into_body(), used));
                    }
                    // The decoded body counts against the worker's budget as it grows.
                    if !self.charge.hold(decoder.buffered()) {
                        return Err(End::Overloaded);
                    }
                    if !continued {
                        continued = true;
                        self.send_continue().await?;
                    }
                    let received = consumed + self.buf.len().saturating_sub(head.len);
                    self.read_body_more(start_ms, received).await?;
                }
            }
        }
    }
}
