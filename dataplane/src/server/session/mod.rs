//! One HTTP/1.1 connection as a [`Session`] over any stream that monoio can read and write
//! (a `TcpStream` today, a TLS stream later, an in-memory stream in the tests).
//!
//! A session loops over: read a head ([`read`]), route it through its [`App`], read the
//! body, call the handler (one poll first; only a handler that waits gets a deadline),
//! and respond ([`respond`]). Every byte the session sends, interim `100 Continue`,
//! gateway errors and handler responses alike, is appended to one output buffer and goes
//! out through one flush; responses to pipelined requests already in the read buffer are
//! collected and written in one go. Every wait is bounded by the connection's one
//! [`Deadline`] (see `server/deadline.rs`); no timer is armed per read or write.
//!
//! Whatever gets a gateway error (framing, limits, a slow head) ends the connection:
//! after a framing error nothing that follows on it can be trusted.

mod read;
mod respond;
#[cfg(test)]
mod tests;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use rust_edge_gateway_sdk::Response;

use super::budget::{Charge, WorkerGuards};
use super::deadline::Deadline;
use crate::config::DataplaneConfig;
use crate::http::encode::{error_response, Framing};
use crate::http::parse::{BodyKind, Head, HeaderRanges};
pub(crate) use respond::BufferPool;

/// What a session asks of the gateway: where a request goes.
pub(crate) trait App {
    /// A routed request on its way to a handler.
    type Call: Call;
    /// Routes a complete head (its ranges index `buf`): a call, or the response that
    /// answers the request at once (404, 405).
    fn route(&self, buf: &[u8], head: &Head) -> Result<Self::Call, Response>;
    /// Whether the worker is stopping: no keep-alive, no waiting on idle clients.
    fn draining(&self) -> bool;
}

/// One routed request.
pub(crate) trait Call {
    /// Largest body the endpoint accepts (413 above).
    fn max_body(&self) -> usize;
    /// How long the handler may wait (504 after).
    fn timeout(&self) -> Duration;
    /// Builds the handler's request from the head and body; keeps nothing borrowed.
    fn prepare(&mut self, buf: &[u8], head: &Head, body: Vec<u8>);
    /// The request id echoed as `x-request-id` (empty for none).
    fn request_id(&self) -> &str;
    /// Runs the handler.
    fn call(&mut self) -> impl Future<Output = Response> + '_;
    /// Records the outcome (metrics, access log).
    fn finish(&mut self, resp: &Response, took: Duration);
}

/// The limits and timeouts a session applies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Largest head (431 above).
    pub max_head: usize,
    /// Gateway-wide ceiling on bodies, over the endpoint's own limit (413 above).
    pub max_body: usize,
    /// Time to complete a head once its first byte came (408).
    pub header_timeout: Duration,
    /// A new connection's wait for its first byte.
    pub first_byte_timeout: Duration,
    /// Idle keep-alive wait, and the time a response write may take.
    pub keepalive_timeout: Duration,
    /// A body's deadline before its rate counts (408 after).
    pub body_timeout: Duration,
    /// Bytes per second of body that extend its deadline by a second.
    pub body_min_rate: u32,
}

impl From<&DataplaneConfig> for Limits {
    fn from(c: &DataplaneConfig) -> Self {
        Limits {
            max_head: c.max_head_bytes,
            max_body: c.max_body_bytes,
            header_timeout: c.header_timeout,
            first_byte_timeout: c.first_byte_timeout,
            keepalive_timeout: c.keepalive_timeout,
            body_timeout: c.body_timeout,
            body_min_rate: c.body_min_rate,
        }
    }
}

/// Why a session ends.
#[derive(Debug)]
enum End {
    /// Closed without a word: the client left, idled out, or the response said close.
    Quiet,
    /// A gateway error is owed before closing.
    Reject(u16, String),
    /// The worker's buffered request bytes are at their cap: 503 with `Retry-After`, then
    /// close.
    Overloaded,
    /// The stream failed or a write timed out: nothing more can be sent.
    Broken,
}

impl From<crate::http::HttpError> for End {
    fn from(e: crate::http::HttpError) -> Self {
        End::Reject(e.status(), e.to_string())
    }
}

/// Responses to pipelined requests are held back up to this many bytes, then written.
const PIPELINE_BATCH: usize = 64 * 1024;

/// Lingering close after a gateway error: how long, and how many bytes, the session
/// still reads and discards so the client's stack does not reset the connection before
/// the client read the answer (RFC 9112 §9.6).
const LINGER: Duration = Duration::from_secs(2);
const LINGER_MAX: usize = 64 * 1024;

/// One connection.
pub(crate) struct Session<S, A> {
    stream: S,
    app: A,
    limits: Limits,
    deadline: Deadline,
    pool: Rc<BufferPool>,
    /// What `buf` holds charged to the worker's byte budget.
    charge: Charge,
    /// Where the body being read ends in `buf` (0: none): the buffer grows up to it.
    body_end: usize,
    /// Bytes read and not yet used; heads are parsed in place.
    buf: Vec<u8>,
    /// Bytes encoded and not yet written.
    out: Vec<u8>,
    /// No request read yet: the idle wait is the first-byte timeout.
    fresh: bool,
    /// The last head's header vector, reused by the next head.
    spare_headers: HeaderRanges,
}

impl<S, A> std::fmt::Debug for Session<S, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("buffered", &self.buf.len())
            .field("pending_out", &self.out.len())
            .finish_non_exhaustive()
    }
}

impl<S, A> Session<S, A>
where
    S: monoio::io::AsyncReadRent + monoio::io::AsyncWriteRent,
    A: App,
{
    /// A session on `stream`, its waits bounded by `deadline`, its buffered bytes charged
    /// to `guards`' budget.
    pub fn new(
        stream: S,
        app: A,
        limits: Limits,
        deadline: Deadline,
        pool: Rc<BufferPool>,
        guards: Rc<WorkerGuards>,
    ) -> Self {
        Session {
            stream,
            app,
            limits,
            deadline,
            pool,
            charge: Charge::new(guards),
            body_end: 0,
            buf: Vec::with_capacity(2048),
            out: Vec::new(),
            fresh: true,
            spare_headers: Vec::new(),
        }
    }

    /// Serves the connection until it closes.
    pub async fn run(mut self) {
        let end = match self.serve().await {
            Ok(never) => match never {},
            Err(end) => end,
        };
        let counters = &self.charge.guards().counters;
        let owed = match &end {
            End::Reject(status, message) => {
                if *status == 413 {
                    counters.too_large();
                }
                Some(error_response(*status, message))
            }
            End::Overloaded => {
                counters.buffer_full();
                Some(
                    error_response(
                        503,
                        "the gateway is buffering too many request bytes; retry shortly",
                    )
                    .with_header("retry-after", "1"),
                )
            }
            End::Quiet | End::Broken => None,
        };
        if let Some(resp) = &owed {
            self.respond(resp, Framing::closing(false, 1, ""));
        }
        if !matches!(end, End::Broken) {
            // Whatever is owed (held-back pipelined responses, the error) goes out.
            let sent = self.flush().await.is_ok();
            if sent && owed.is_some() {
                self.linger().await;
            }
        }
        self.pool.put(std::mem::take(&mut self.out));
    }

    /// Counts a connection closed by a deadline.
    fn count_deadline(&self, kind: crate::protections::DeadlineKind) {
        self.charge.guards().counters.deadline(kind);
    }

    /// After a request's body went to its handler: a read buffer grown for a large body
    /// or head shrinks back (a keep-alive connection must not keep megabytes), and the
    /// charge follows it down.
    fn settle_buffer(&mut self) {
        let keep = self.buf.len().max(2048);
        if self.buf.capacity() > super::budget::BASE && self.buf.capacity() > 2 * keep {
            self.buf.shrink_to(keep);
        }
        self.body_end = 0;
        self.charge.hold(0);
        self.charge.expect(0);
        self.charge.cover(self.buf.capacity());
    }

    async fn serve(&mut self) -> Result<std::convert::Infallible, End> {
        loop {
            let head = self.read_head().await?;
            let head_only = self.method(&head) == b"HEAD";
            let call = self.app.route(&self.buf, &head);
            let mut call = match call {
                Ok(call) => call,
                Err(resp) => {
                    // A body we did not read would be taken for the next request: close.
                    let keep_alive =
                        !head.close && head.body == BodyKind::None && !self.app.draining();
                    self.respond(&resp, Framing::new(head_only, keep_alive, head.minor, ""));
                    self.buf.drain(..head.len);
                    self.settle_buffer();
                    self.spare_headers = head.headers;
                    self.respond_done(keep_alive).await?;
                    continue;
                }
            };
            let (body, used) = self.read_body(&head, call.max_body()).await?;
            call.prepare(&self.buf, &head, body);
            self.buf.drain(..used);
            self.settle_buffer();

            let started = self.deadline.stamp();
            let mut resp = self.call(&mut call).await?;
            if !(200..=599).contains(&resp.status) {
                // A 1xx or 101 from a handler must not reach the wire: a front proxy could
                // take it for an interim response or a tunnel.
                tracing::warn!(
                    status = resp.status,
                    "handler status outside 200-599: sent 500"
                );
                resp = error_response(500, "handler returned a status outside 200-599");
            }
            call.finish(&resp, self.deadline.since(started));

            // No keep-alive once shutdown began, even for a request that started before.
            let keep_alive = !head.close && !self.app.draining();
            let framing = Framing::new(head_only, keep_alive, head.minor, call.request_id());
            self.respond(&resp, framing);
            drop(call);
            self.spare_headers = head.headers;
            self.respond_done(keep_alive).await?;
        }
    }

    fn method(&self, head: &Head) -> &[u8] {
        self.buf
            .get(head.method.0..head.method.1)
            .unwrap_or_default()
    }

    /// Polls the handler once; one that waits first lets held-back responses go out, then
    /// runs under the handler deadline (504 after).
    async fn call(&mut self, call: &mut A::Call) -> Result<Response, End> {
        let timeout = call.timeout();
        let mut fut = pin!(call.call());
        if let Poll::Ready(resp) = poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await {
            return Ok(resp);
        }
        self.flush().await?;
        self.deadline.set(timeout, false);
        Ok(match self.deadline.within(fut).await {
            Some(resp) => resp,
            None => error_response(
                504,
                &format!("handler timed out after {} ms", timeout.as_millis()),
            ),
        })
    }
}
