//! Session tests over an in-memory stream: the client's bytes are a script, the server's
//! bytes are recorded write by write.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use monoio::buf::{IoBuf, IoBufMut, IoVecBuf, IoVecBufMut};
use monoio::io::{AsyncReadRent, AsyncWriteRent};
use monoio::BufResult;
use rust_edge_gateway_sdk::Response;

use super::*;
use crate::server::budget::{Charge, BASE};
use crate::server::deadline::Deadlines;
use std::sync::Arc;

/// What the client does on the server's next read.
enum Step {
    /// Sends these bytes.
    Data(Vec<u8>),
    /// Sends these bytes, but only once the server wrote `marker`; a read before that
    /// sees the client close instead (the test then fails on what was answered).
    After(&'static str, Vec<u8>),
    /// Sends nothing, ever.
    Hang,
    /// Sends these bytes after a pause.
    Later(Duration, Vec<u8>),
}

#[derive(Default)]
struct Wire {
    out: RefCell<Vec<u8>>,
    writes: Cell<usize>,
    /// The write side was shut down (lingering close).
    shut: Cell<bool>,
    /// Reads that returned bytes after the shutdown.
    read_after_shut: Cell<usize>,
}

struct MemStream {
    script: VecDeque<Step>,
    wire: Rc<Wire>,
}

fn copy_into<T: IoBufMut>(buf: &mut T, data: &[u8]) -> usize {
    let n = data.len().min(buf.bytes_total());
    // SAFETY: `write_ptr` points at `bytes_total` writable bytes; `n` is within them.
    unsafe {
        buf.write_ptr().copy_from_nonoverlapping(data.as_ptr(), n);
        buf.set_init(n);
    }
    n
}

impl AsyncReadRent for MemStream {
    #[allow(refining_impl_trait)]
    fn read<T: IoBufMut>(
        &mut self,
        mut buf: T,
    ) -> std::pin::Pin<Box<dyn Future<Output = BufResult<usize, T>>>> {
        let step = self.script.pop_front();
        let data = match step {
            Some(Step::After(marker, data)) => {
                let seen = String::from_utf8_lossy(&self.wire.out.borrow()).contains(marker);
                seen.then_some(data)
            }
            Some(Step::Data(data)) => Some(data),
            Some(Step::Later(pause, data)) => {
                let n = copy_into(&mut buf, &data);
                return Box::pin(async move {
                    monoio::time::sleep(pause).await;
                    (Ok(n), buf)
                })
                    as std::pin::Pin<Box<dyn Future<Output = BufResult<usize, T>>>>;
            }
            Some(Step::Hang) => {
                self.script.push_front(Step::Hang);
                return Box::pin(futures_either(None, buf));
            }
            None => None,
        };
        if self.wire.shut.get() && data.is_some() {
            self.wire
                .read_after_shut
                .set(self.wire.read_after_shut.get() + 1);
        }
        let n = match data {
            Some(d) => {
                let n = copy_into(&mut buf, &d);
                if n < d.len() {
                    self.script.push_front(Step::Data(d[n..].to_vec()));
                }
                n
            }
            None => 0,
        };
        Box::pin(futures_either(Some(n), buf))
    }

    async fn readv<T: IoVecBufMut>(&mut self, buf: T) -> BufResult<usize, T> {
        (Err(std::io::ErrorKind::Unsupported.into()), buf)
    }
}

/// `Some(n)`: ready with `n`; `None`: pending forever.
async fn futures_either<T>(n: Option<usize>, buf: T) -> BufResult<usize, T> {
    match n {
        Some(n) => (Ok(n), buf),
        None => std::future::pending().await,
    }
}

impl AsyncWriteRent for MemStream {
    async fn write<T: IoBuf>(&mut self, buf: T) -> BufResult<usize, T> {
        // SAFETY: `read_ptr` points at `bytes_init` initialised bytes.
        let bytes = unsafe { std::slice::from_raw_parts(buf.read_ptr(), buf.bytes_init()) };
        self.wire.out.borrow_mut().extend_from_slice(bytes);
        self.wire.writes.set(self.wire.writes.get() + 1);
        (Ok(bytes.len()), buf)
    }

    async fn writev<T: IoVecBuf>(&mut self, buf: T) -> BufResult<usize, T> {
        (Err(std::io::ErrorKind::Unsupported.into()), buf)
    }

    async fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }

    async fn shutdown(&mut self) -> std::io::Result<()> {
        self.wire.shut.set(true);
        Ok(())
    }
}

/// Routes `/echo` (echoes the body, at most 4096 bytes), `/wait` (never answers; 504 after
/// 50 ms), `/drain` (starts the shutdown, then answers) and nothing else (404).
struct TestApp {
    draining: Rc<Cell<bool>>,
}

struct TestCall {
    wait: bool,
    /// `/switch`: the handler answers 101.
    switch: bool,
    /// `/drain`: shutdown begins while this request is in flight.
    drain: Option<Rc<Cell<bool>>>,
    body: Vec<u8>,
    finished: Option<u16>,
}

impl App for TestApp {
    type Call = TestCall;

    fn route(&self, buf: &[u8], head: &Head) -> Result<TestCall, Response> {
        match &buf[head.path.0..head.path.1] {
            b"/echo" | b"/wait" | b"/drain" | b"/switch" => Ok(TestCall {
                switch: &buf[head.path.0..head.path.1] == b"/switch",
                wait: &buf[head.path.0..head.path.1] == b"/wait",
                drain: (&buf[head.path.0..head.path.1] == b"/drain")
                    .then(|| Rc::clone(&self.draining)),
                body: Vec::new(),
                finished: None,
            }),
            _ => Err(Response::text(404, "none")),
        }
    }

    fn draining(&self) -> bool {
        self.draining.get()
    }
}

impl Call for TestCall {
    fn max_body(&self) -> usize {
        4096
    }

    fn timeout(&self) -> Duration {
        Duration::from_millis(50)
    }

    fn prepare(&mut self, _buf: &[u8], _head: &Head, body: Vec<u8>) {
        self.body = body;
    }

    fn request_id(&self) -> &str {
        "rid"
    }

    async fn call(&mut self) -> Response {
        if self.wait {
            std::future::pending::<()>().await;
        }
        if let Some(d) = &self.drain {
            d.set(true);
        }
        if self.switch {
            return Response::new(101).with_header("upgrade", "websocket");
        }
        Response::text(200, format!("got:{}", String::from_utf8_lossy(&self.body)))
    }

    fn finish(&mut self, resp: &Response, _took: Duration) {
        self.finished = Some(resp.status);
    }
}

const LIMITS: Limits = Limits {
    max_head: 512,
    max_body: 1 << 30,
    header_timeout: Duration::from_millis(50),
    first_byte_timeout: Duration::from_millis(50),
    keepalive_timeout: Duration::from_millis(50),
    body_timeout: Duration::from_millis(50),
    body_min_rate: 500,
};

/// Runs a session over `script` (with the core's timer task) until it ends; returns what
/// the server wrote and in how many writes.
fn serve(script: Vec<Step>, draining: bool) -> (String, usize) {
    let (out, writes, _) = serve_wire(script, draining);
    (out, writes)
}

fn serve_wire(script: Vec<Step>, draining: bool) -> (String, usize, Rc<Wire>) {
    let (out, writes, wire, ended) = serve_with(script, draining, LIMITS);
    assert!(ended, "the session ended by itself");
    (out, writes, wire)
}

/// Like [`serve`] with other limits; `false` if the session was still running after 4 s (a lingering close alone takes up to 2 s).
fn serve_with(
    script: Vec<Step>,
    draining: bool,
    limits: Limits,
) -> (String, usize, Rc<Wire>, bool) {
    serve_guarded(script, draining, limits, Rc::default())
}

/// Like [`serve_with`], charging the session's buffered bytes to `guards`.
fn serve_guarded(
    script: Vec<Step>,
    draining: bool,
    limits: Limits,
    guards: Rc<WorkerGuards>,
) -> (String, usize, Rc<Wire>, bool) {
    let mut rt = monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
        .enable_timer()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let deadlines = Deadlines::new();
        let ticker = {
            let d = Rc::clone(&deadlines);
            monoio::spawn(async move {
                loop {
                    monoio::time::sleep(Duration::from_millis(10)).await;
                    d.tick();
                }
            })
        };
        let wire = Rc::new(Wire::default());
        let stream = MemStream {
            script: script.into(),
            wire: Rc::clone(&wire),
        };
        let app = TestApp {
            draining: Rc::new(Cell::new(draining)),
        };
        let session = Session::new(
            stream,
            app,
            limits,
            deadlines.register(),
            Rc::default(),
            guards,
        );
        // Every deadline in these tests is well under this guard, which only turns a
        // session that would wait for an hour into a failed assertion.
        let ended = monoio::time::timeout(Duration::from_secs(4), session.run())
            .await
            .is_ok();
        drop(ticker);
        let out = String::from_utf8_lossy(&wire.out.borrow()).into_owned();
        (out, wire.writes.get(), wire, ended)
    })
}

fn data(s: &str) -> Step {
    Step::Data(s.as_bytes().to_vec())
}

const GET_ECHO: &str = "GET /echo HTTP/1.1\r\nHost: t\r\n\r\n";

fn statuses(out: &str) -> Vec<&str> {
    out.match_indices("HTTP/1.1 ")
        .map(|(i, _)| &out[i + 9..i + 12])
        .collect()
}

#[test]
fn keep_alive_serves_requests_in_turn() {
    let (out, writes) = serve(vec![data(GET_ECHO), data(GET_ECHO)], false);
    assert_eq!(statuses(&out), ["200", "200"], "{out}");
    assert_eq!(
        writes, 2,
        "one write per response when nothing is pipelined"
    );
    assert!(!out.contains("connection: close"), "{out}");
    assert_eq!(out.matches("x-request-id: rid\r\n").count(), 2);
}

#[test]
fn http_1_0_and_connection_close_end_the_session() {
    let (out, _) = serve(
        vec![data("GET /echo HTTP/1.0\r\n\r\n"), data(GET_ECHO)],
        false,
    );
    assert_eq!(
        statuses(&out),
        ["200"],
        "the second request is not read: {out}"
    );
    assert!(out.contains("connection: close\r\n"));
    let (out, _) = serve(
        vec![
            data("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
            data(GET_ECHO),
        ],
        false,
    );
    assert_eq!(statuses(&out), ["200", "200"], "{out}");
    assert!(out.contains("connection: keep-alive\r\n"));
    let close = "GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    let (out, _) = serve(vec![data(close), data(GET_ECHO)], false);
    assert_eq!(statuses(&out), ["200"], "{out}");
}

#[test]
fn pipelined_responses_go_out_in_one_write() {
    let three = format!("{GET_ECHO}POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhiGET /nope HTTP/1.1\r\nHost: t\r\n\r\n");
    let (out, writes) = serve(vec![data(&three)], false);
    assert_eq!(statuses(&out), ["200", "200", "404"], "{out}");
    assert!(out.contains("got:hi"), "{out}");
    assert_eq!(writes, 1, "three pipelined responses, one write");
}

#[test]
fn a_waiting_handler_lets_earlier_pipelined_responses_out_first() {
    let two = format!("{GET_ECHO}GET /wait HTTP/1.1\r\nHost: t\r\n\r\n");
    let (out, writes) = serve(vec![data(&two)], false);
    assert_eq!(statuses(&out), ["200", "504"], "{out}");
    assert_eq!(writes, 2, "the first response was written before waiting");
    assert!(out.contains("handler timed out after 50 ms"), "{out}");
}

#[test]
fn handler_timeout_is_504_and_the_connection_goes_on() {
    let (out, _) = serve(
        vec![
            data("GET /wait HTTP/1.1\r\nHost: t\r\n\r\n"),
            data(GET_ECHO),
        ],
        false,
    );
    assert_eq!(statuses(&out), ["504", "200"], "{out}");
}

#[test]
fn expect_100_continue_is_answered_before_the_body_is_read() {
    let head =
        "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
    let (out, _) = serve(
        vec![data(head), Step::After("100 Continue", b"abc".to_vec())],
        false,
    );
    assert!(
        out.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"),
        "{out}"
    );
    assert!(out.ends_with("got:abc"), "{out}");

    let chunked = "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n";
    let (out, _) = serve(
        vec![
            data(chunked),
            Step::After("100 Continue", b"2\r\nxy\r\n0\r\n\r\n".to_vec()),
        ],
        false,
    );
    assert!(
        out.starts_with("HTTP/1.1 100 Continue\r\n\r\n") && out.ends_with("got:xy"),
        "{out}"
    );

    // The body came with the head: no interim response.
    let (out, _) = serve(vec![data(&format!("{head}abc"))], false);
    assert!(
        !out.contains("100 Continue") && out.ends_with("got:abc"),
        "{out}"
    );
}

#[test]
fn limits_give_431_413_and_close() {
    let big = format!(
        "GET /echo HTTP/1.1\r\nHost: t\r\nX: {}\r\n\r\n",
        "a".repeat(600)
    );
    let (out, _) = serve(vec![data(&big), data(GET_ECHO)], false);
    assert_eq!(statuses(&out), ["431"], "{out}");
    assert!(out.contains("connection: close"));

    let body = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4097\r\n\r\n";
    let (out, _) = serve(vec![data(body), data(GET_ECHO)], false);
    assert_eq!(statuses(&out), ["413"], "{out}");

    let chunked = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1001\r\n";
    let (out, _) = serve(vec![data(chunked)], false);
    assert_eq!(statuses(&out), ["413"], "{out}");

    let smuggle =
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n";
    let (out, _) = serve(vec![data(smuggle)], false);
    assert_eq!(statuses(&out), ["400"], "{out}");
}

#[test]
fn a_slow_head_gets_408_and_an_idle_connection_closes_quietly() {
    let (out, _) = serve(vec![data("GET /echo HTTP/1.1\r\n"), Step::Hang], false);
    assert_eq!(statuses(&out), ["408"], "{out}");
    let (out, _) = serve(vec![data(GET_ECHO), Step::Hang], false);
    assert_eq!(
        statuses(&out),
        ["200"],
        "idle after a response: closed without a word"
    );
    let (out, _) = serve(
        vec![
            data("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nab"),
            Step::Hang,
        ],
        false,
    );
    assert_eq!(statuses(&out), ["408"], "a stalled body: {out}");
    assert!(out.contains("timed out reading the body"), "{out}");
}

#[test]
fn unrouted_requests_keep_alive_unless_they_carry_a_body() {
    let (out, _) = serve(
        vec![
            data("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"),
            data(GET_ECHO),
        ],
        false,
    );
    assert_eq!(statuses(&out), ["404", "200"], "{out}");
    let (out, _) = serve(
        vec![
            data("POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi"),
            data(GET_ECHO),
        ],
        false,
    );
    assert_eq!(statuses(&out), ["404"], "{out}");
    assert!(out.contains("connection: close"));
}

#[test]
fn head_gets_headers_only() {
    let (out, _) = serve(vec![data("HEAD /nope HTTP/1.1\r\nHost: t\r\n\r\n")], false);
    assert!(
        out.starts_with("HTTP/1.1 404") && out.contains("content-length: 4\r\n"),
        "{out}"
    );
    assert!(out.ends_with("\r\n\r\n"), "no body: {out}");
}

#[test]
fn a_draining_worker_answers_with_close_and_waits_on_no_idle_client() {
    let drain = "GET /drain HTTP/1.1\r\nHost: t\r\n\r\n";
    let (out, _) = serve(vec![data(drain), data(GET_ECHO)], false);
    assert_eq!(
        statuses(&out),
        ["200"],
        "the in-flight request is answered: {out}"
    );
    assert!(out.contains("connection: close\r\n"), "{out}");
    let (out, _) = serve(vec![data(GET_ECHO)], true);
    assert_eq!(out, "", "an idle connection is not read once draining");
}

/// Only 200-599 from a handler reach the wire; a 101 must not open a tunnel in a front
/// proxy (RFC 9110 §15.2: 1xx are interim responses, never a handler's final answer).
#[test]
fn a_handler_status_outside_200_599_becomes_500() {
    let (out, _) = serve(
        vec![
            data("GET /switch HTTP/1.1\r\nHost: t\r\n\r\n"),
            data(GET_ECHO),
        ],
        false,
    );
    assert_eq!(statuses(&out), ["500", "200"], "{out}");
    assert!(!out.contains("101") && !out.contains("upgrade"), "{out}");
}

/// RFC 9112 §9.6: after an error response the server closes the write side and keeps
/// reading for a while, so the client reads the answer instead of a reset.
#[test]
fn an_error_response_is_followed_by_a_lingering_close() {
    let bad = "GET /echo HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n";
    let (out, _, wire) = serve_wire(vec![data(bad), data("more junk"), data("and more")], false);
    assert_eq!(statuses(&out), ["400"], "{out}");
    assert!(wire.shut.get(), "write side shut down");
    assert_eq!(
        wire.read_after_shut.get(),
        2,
        "what the client still sent was read"
    );
    // A client that never closes is let go when the linger deadline fires.
    let (out, _, wire) = serve_wire(vec![data(bad), Step::Hang], false);
    assert_eq!(statuses(&out), ["400"], "{out}");
    assert!(wire.shut.get());
    // No linger after a normal close.
    let (_, _, wire) = serve_wire(vec![data("GET /echo HTTP/1.0\r\n\r\n"), data("x")], false);
    assert!(!wire.shut.get() && wire.read_after_shut.get() == 0);
}

/// RFC 9110 §10.1.1: an unknown expectation is a 417, and the connection closes.
#[test]
fn an_unknown_expectation_gets_417() {
    let (out, _) = serve(
        vec![
            data("GET /echo HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\n\r\n"),
            data(GET_ECHO),
        ],
        false,
    );
    assert_eq!(statuses(&out), ["417"], "{out}");
}

/// Issue 13: a new connection waits `first_byte_timeout` for its first byte, an idle
/// keep-alive one `keepalive_timeout`; each test here ends only if the right one applies.
#[test]
fn the_first_byte_and_keep_alive_waits_are_apart() {
    let hour = Duration::from_secs(3600);
    let short = Duration::from_millis(50);
    let mute = Limits {
        first_byte_timeout: short,
        keepalive_timeout: hour,
        ..LIMITS
    };
    let (out, _, _, ended) = serve_with(vec![Step::Hang], false, mute);
    assert!(
        ended && out.is_empty(),
        "a mute new connection is closed quietly: {out}"
    );
    let (_, _, _, ended) = serve_with(vec![data(GET_ECHO), Step::Hang], false, mute);
    assert!(
        !ended,
        "after a request the keep-alive wait applies, not the first-byte one"
    );
    let idle = Limits {
        first_byte_timeout: hour,
        keepalive_timeout: short,
        ..LIMITS
    };
    let (out, _, _, ended) = serve_with(vec![data(GET_ECHO), Step::Hang], false, idle);
    assert!(ended && statuses(&out) == ["200"], "{out}");
}

/// Issue 13: the head has one deadline, however each byte keeps the read alive.
#[test]
fn a_trickled_head_meets_its_whole_head_deadline() {
    let mut script = vec![data("GET /echo HTTP/1.1\r\n")];
    script.extend((0..100).map(|_| Step::Later(Duration::from_millis(20), b"X".to_vec())));
    let (out, _, _, ended) = serve_with(script, false, LIMITS);
    assert!(ended && statuses(&out) == ["408"], "{out}");
}

/// Issue 13: body deadline plus minimum rate (mod_reqtimeout style): a trickle is closed
/// with 408, a steady body slower than `body_timeout` in total passes.
#[test]
fn a_body_needs_its_minimum_rate() {
    let head = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n";
    let mut trickle = vec![data(head)];
    trickle.extend((0..100).map(|_| Step::Later(Duration::from_millis(20), b"a".to_vec())));
    let (out, _, _, ended) = serve_with(trickle, false, LIMITS);
    assert!(
        ended && statuses(&out) == ["408"],
        "a byte every 20 ms: {out}"
    );
    // 200 bytes every 30 ms: 300 ms in all, six times body_timeout, at 6,600 B/s.
    let mut steady = vec![data(head)];
    steady.extend((0..10).map(|_| Step::Later(Duration::from_millis(30), vec![b'b'; 200])));
    let (out, _, _, ended) = serve_with(steady, false, LIMITS);
    assert!(
        ended && statuses(&out) == ["200"],
        "a steady body passes: {out}"
    );
    assert!(out.ends_with(&"b".repeat(2000)));
}

/// A body that stalls after many bytes (3,000 at 500 B/s earned it 6 s) is closed one
/// `body_timeout` after its last byte, not when its earned allowance runs out.
#[test]
fn a_body_stalled_after_many_bytes_is_closed() {
    let head = format!(
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4000\r\n\r\n{}",
        "x".repeat(3000)
    );
    let guards = Rc::new(WorkerGuards::default());
    let started = std::time::Instant::now();
    let (out, _, _, ended) = serve_guarded(
        vec![data(&head), Step::Hang],
        false,
        LIMITS,
        Rc::clone(&guards),
    );
    assert!(ended && statuses(&out) == ["408"], "{out}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(guards.counters.snapshot().body_timeouts, 1);
}

/// The per-worker byte budget: a body that would take the worker over its cap is a 503
/// with `Retry-After` before any of it is read (Content-Length) or as soon as it grows
/// over (chunked); the same body passes once the budget has room. Each refusal counts.
#[test]
fn a_body_over_the_worker_budget_gets_503_with_retry_after() {
    let guards = Rc::new(WorkerGuards::new(10_000, Arc::default()));
    let mut other = Charge::new(Rc::clone(&guards));
    assert!(
        other.cover(BASE + 10_000),
        "another connection holds the whole budget"
    );
    let body = format!(
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n\r\n{}",
        "x".repeat(4096)
    );
    let (out, _, _, _) = serve_guarded(vec![data(&body)], false, LIMITS, Rc::clone(&guards));
    assert_eq!(statuses(&out), ["503"], "{out}");
    assert!(out.contains("retry-after: 1\r\n"), "{out}");
    assert!(out.contains("connection: close"), "{out}");

    let chunked = format!(
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfa0\r\n{}",
        "x".repeat(4000)
    );
    let (out, _, _, _) = serve_guarded(vec![data(&chunked)], false, LIMITS, Rc::clone(&guards));
    assert_eq!(statuses(&out), ["503"], "{out}");
    assert_eq!(guards.counters.snapshot().buffer_full, 2);

    drop(other);
    let (out, _, _, _) = serve_guarded(vec![data(&body)], false, LIMITS, Rc::clone(&guards));
    assert_eq!(statuses(&out), ["200"], "{out}");
    assert_eq!(
        guards.budget.used(),
        0,
        "a finished session gives back what it held"
    );
}

/// 413s and deadline closes land in the protection counters.
#[test]
fn refusals_and_deadline_closes_are_counted() {
    let guards = Rc::new(WorkerGuards::default());
    let body = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4097\r\n\r\n";
    serve_guarded(vec![data(body)], false, LIMITS, Rc::clone(&guards));
    serve_guarded(
        vec![data("GET /echo HTTP/1.1\r\nHo"), Step::Hang],
        false,
        LIMITS,
        Rc::clone(&guards),
    );
    serve_guarded(vec![Step::Hang], false, LIMITS, Rc::clone(&guards));
    let s = guards.counters.snapshot();
    assert_eq!(
        (s.body_too_large, s.head_timeouts, s.first_byte_timeouts),
        (1, 1, 1),
        "{s:?}"
    );
}
