//! One connection: the keep-alive loop. Reads a head (bounded, timed), routes it, reads the
//! body (Content-Length or chunked, bounded, `Expect: 100-continue`), calls the handler with
//! a timeout, writes the response, and goes on with the next (pipelined) request already in
//! the buffer. Any framing error gets its 4xx and closes the connection.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::task::Poll;
use std::time::{Duration, Instant};

use monoio::buf::IoBufMut;
use monoio::io::{AsyncReadRent, AsyncWriteRentExt, CancelHandle, CancelableAsyncReadRent};
use monoio::net::TcpStream;
use rust_edge_gateway_sdk::abi::CallScope;
use rust_edge_gateway_sdk::{Context, Response};

use super::core::CoreState;
use crate::host::HOST_VTABLE;
use crate::http::body::ChunkedDecoder;
use crate::http::encode::{encode, error_response, Framing};
use crate::http::parse::{parse_head, BodyKind, Head};
use crate::http::HttpError;
use crate::request::{build, decode_params, Origin};
use crate::router::Lookup;

enum Read {
    Data,
    Eof,
    TimedOut,
}

/// Reads more bytes onto the end of `buf`, within `wait`; with `cancel`, shutdown can
/// interrupt the wait.
async fn read_more(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    wait: Duration,
    cancel: Option<CancelHandle>,
) -> Read {
    // Small first (an idle keep-alive connection holds this buffer in its pending read),
    // then doubling for large heads and bodies.
    if buf.capacity() - buf.len() < 512 {
        buf.reserve(buf.capacity().max(2048));
    }
    let owned = std::mem::take(buf);
    let len = owned.len();
    let slice = owned.slice_mut(len..);
    let read = async {
        match cancel {
            Some(c) => stream.cancelable_read(slice, c).await,
            None => stream.read(slice).await,
        }
    };
    match monoio::time::timeout(wait, read).await {
        Ok((res, slice)) => {
            *buf = slice.into_inner();
            match res {
                Ok(0) | Err(_) => Read::Eof,
                Ok(_) => Read::Data,
            }
        }
        // The buffer went with the cancelled read; the connection is closed anyway.
        Err(_) => Read::TimedOut,
    }
}

async fn write(stream: &mut TcpStream, out: Vec<u8>, wait: Duration) -> Option<Vec<u8>> {
    match monoio::time::timeout(wait, stream.write_all(out)).await {
        Ok((Ok(_), mut out)) => {
            out.clear();
            Some(out)
        }
        _ => None,
    }
}

/// Sends a gateway error and closes.
async fn fail(stream: &mut TcpStream, status: u16, message: &str, wait: Duration) {
    let mut out = Vec::with_capacity(256);
    let framing = Framing {
        head_only: false,
        keep_alive: false,
        minor: 1,
        request_id: "",
    };
    encode(&mut out, &error_response(status, message), framing);
    let _ = write(stream, out, wait).await;
}

fn text(buf: &[u8], r: (usize, usize)) -> &str {
    std::str::from_utf8(&buf[r.0..r.1]).unwrap_or_default()
}

/// Reads the body described by `head`, which starts at `buf[head.len..]`; returns it and the
/// number of bytes of `buf` the request used.
async fn read_body(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    head: &Head,
    max_body: usize,
    wait: Duration,
) -> Result<(Vec<u8>, usize), HttpError> {
    let timed_out = HttpError::BadRequest("timed out reading the body");
    match head.body {
        BodyKind::None => Ok((Vec::new(), head.len)),
        BodyKind::Length(n) => {
            let n = usize::try_from(n).map_err(|_| HttpError::PayloadTooLarge)?;
            if n > max_body {
                return Err(HttpError::PayloadTooLarge);
            }
            let end = head.len + n;
            if head.expect_continue && buf.len() < end {
                let cont = b"HTTP/1.1 100 Continue\r\n\r\n".to_vec();
                write(stream, cont, wait).await.ok_or(timed_out.clone())?;
            }
            buf.reserve(end.saturating_sub(buf.len()));
            while buf.len() < end {
                match read_more(stream, buf, wait, None).await {
                    Read::Data => {}
                    Read::Eof => return Err(HttpError::BadRequest("connection closed mid-body")),
                    Read::TimedOut => return Err(timed_out),
                }
            }
            Ok((buf[head.len..end].to_vec(), end))
        }
        BodyKind::Chunked => {
            let mut decoder = ChunkedDecoder::new(max_body);
            let mut used = 0;
            let mut continued = !head.expect_continue;
            loop {
                used += decoder.feed(&buf[head.len + used..])?;
                if decoder.is_done() {
                    return Ok((decoder.into_body(), head.len + used));
                }
                if !continued {
                    continued = true;
                    let cont = b"HTTP/1.1 100 Continue\r\n\r\n".to_vec();
                    write(stream, cont, wait).await.ok_or(timed_out.clone())?;
                }
                match read_more(stream, buf, wait, None).await {
                    Read::Data => {}
                    Read::Eof => return Err(HttpError::BadRequest("connection closed mid-body")),
                    Read::TimedOut => return Err(timed_out),
                }
            }
        }
    }
}

/// Serves one connection until it closes.
pub(crate) async fn serve(mut stream: TcpStream, peer: std::net::SocketAddr, core: Rc<CoreState>) {
    let _ = stream.set_nodelay(true);
    let cfg = std::sync::Arc::clone(&core.config);
    let mut buf: Vec<u8> = Vec::with_capacity(2048);
    let mut out: Vec<u8> = Vec::new();
    let peer_ip = peer.ip().to_string();
    loop {
        // 1. A complete head: idle keep-alive wait first, then the header timeout.
        let mut deadline: Option<Instant> =
            (!buf.is_empty()).then(|| Instant::now() + cfg.header_timeout);
        let head = loop {
            if !buf.is_empty() {
                match parse_head(&buf, cfg.max_head_bytes) {
                    Ok(Some(h)) => break h,
                    Ok(None) => {}
                    Err(e) => {
                        return fail(&mut stream, e.status(), &e.to_string(), cfg.header_timeout)
                            .await
                    }
                }
            }
            let idle = buf.is_empty();
            let cancel = if idle {
                // Shutting down: an idle connection is closed rather than waited on.
                match core.cancel_handle() {
                    Some(h) if !core.shutdown.load(Ordering::Relaxed) => Some(h),
                    _ => return,
                }
            } else {
                None
            };
            let wait = match deadline {
                None => cfg.keepalive_timeout,
                Some(d) => d.saturating_duration_since(Instant::now()),
            };
            let started = deadline.is_some();
            match read_more(&mut stream, &mut buf, wait, cancel).await {
                Read::Data => {
                    deadline.get_or_insert_with(|| Instant::now() + cfg.header_timeout);
                }
                Read::Eof => return,
                Read::TimedOut if started => {
                    return fail(
                        &mut stream,
                        408,
                        "timed out reading the request head",
                        cfg.header_timeout,
                    )
                    .await
                }
                Read::TimedOut => return,
            }
        };

        // 2. Route.
        let snap = core.snapshot();
        let host = head.host.map_or("", |i| text(&buf, head.headers[i].1));
        let method = text(&buf, head.method);
        let head_only = method == "HEAD";
        let has_body = head.body != BodyKind::None;
        let (endpoint, params) = match snap.router.lookup(host, method, text(&buf, head.path)) {
            Lookup::Found(idx, params) => (*idx, decode_params(params.iter())),
            other => {
                let resp = match other {
                    Lookup::MethodNotAllowed(allow) => error_response(405, "method not allowed")
                        .with_header("allow", allow.join(", ")),
                    _ => error_response(404, "no endpoint matches this request"),
                };
                // A body we did not read would be taken for the next request: close instead.
                let keep_alive = !head.close && !has_body;
                encode(
                    &mut out,
                    &resp,
                    Framing {
                        head_only,
                        keep_alive,
                        minor: head.minor,
                        request_id: "",
                    },
                );
                match write(&mut stream, out, cfg.keepalive_timeout).await {
                    Some(o) if keep_alive => out = o,
                    _ => return,
                }
                buf.drain(..head.len);
                continue;
            }
        };

        // The snapshot (an Rc on this core) keeps the endpoint, its version and library alive
        // for the whole request: no shared reference count is touched per request.
        let endpoint = &snap.endpoints[endpoint];

        // 3. Body.
        let (body, consumed) = match read_body(
            &mut stream,
            &mut buf,
            &head,
            endpoint.spec.max_body,
            cfg.header_timeout,
        )
        .await
        {
            Ok(b) => b,
            Err(e) => {
                return fail(&mut stream, e.status(), &e.to_string(), cfg.header_timeout).await
            }
        };

        // 4. Call the handler with its timeout; the in-flight guard feeds draining.
        let new_id = || core.next_request_id();
        let origin = Origin {
            peer,
            peer_ip: &peer_ip,
            trusted: &cfg.trusted_proxies,
            new_id: &new_id,
        };
        let req = build(&buf, &head, params, body, &origin);
        let request_id = req.request_id.clone();
        // Only with an access log: what its line needs once the request is gone.
        let logged = core.access.as_ref().map(|_| {
            (
                String::from_utf8_lossy(&buf[head.method.0..head.method.1]).into_owned(),
                String::from_utf8_lossy(&buf[head.path.0..head.path.1]).into_owned(),
                req.client_ip.clone().unwrap_or_default(),
            )
        });
        let client_close = head.close;
        let minor = head.minor;
        buf.drain(..consumed);
        let started = std::time::Instant::now();
        let resp = {
            let _inflight = endpoint.version.enter(core.index);
            let ctx = Context::__from_scope(CallScope {
                host: &HOST_VTABLE,
                scope: endpoint.spec.scope,
            });
            let mut call = pin!(endpoint.version.lib.invoke_borrowed(ctx, req, &core.pool));
            // Tell the watchdog which endpoint this worker is polling.
            let polling = &core.heartbeat.polling;
            let tag = endpoint.spec.scope + 1;
            let mut tracked = pin!(poll_fn(|cx| {
                polling.store(tag, Ordering::Relaxed);
                let r = call.as_mut().poll(cx);
                polling.store(0, Ordering::Relaxed);
                r
            }));
            // Most handlers finish on their first poll: arm the timeout timer only for those
            // that wait.
            match poll_fn(|cx| Poll::Ready(tracked.as_mut().poll(cx))).await {
                Poll::Ready(resp) => resp,
                Poll::Pending => {
                    match monoio::time::timeout(endpoint.spec.timeout, tracked).await {
                        Ok(resp) => resp,
                        Err(_) => error_response(
                            504,
                            &format!(
                                "handler timed out after {} ms",
                                endpoint.spec.timeout.as_millis()
                            ),
                        ),
                    }
                }
            }
        };
        let took = started.elapsed();
        endpoint.metrics.record(core.index, resp.status, took);
        if let (Some(log), Some((method, path, client_ip))) = (&core.access, &logged) {
            log.record(&crate::access_log::Entry {
                ts_ms: std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                method,
                path,
                status: resp.status,
                duration_us: u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
                request_id: &request_id,
                client_ip,
                endpoint: &endpoint.spec.id,
            });
        }
        drop(snap);

        // 5. Respond (no keep-alive once shutdown began, even for a request that started before).
        let keep_alive = !client_close && !core.shutdown.load(Ordering::Relaxed);
        write_response(
            &mut out,
            &resp,
            Framing {
                head_only,
                keep_alive,
                minor,
                request_id: &request_id,
            },
        );
        match write(&mut stream, out, cfg.keepalive_timeout).await {
            Some(o) if keep_alive => {
                out = o;
                if buf.is_empty() {
                    // Going idle: an idle keep-alive connection keeps no response buffer and no
                    // oversized read buffer (10,000 idle connections must stay cheap).
                    out = Vec::new();
                    if buf.capacity() > 8192 {
                        buf = Vec::with_capacity(2048);
                    }
                }
            }
            _ => return,
        }
    }
}

fn write_response(out: &mut Vec<u8>, resp: &Response, framing: Framing<'_>) {
    let dropped = encode(out, resp, framing);
    if dropped > 0 {
        tracing::warn!(
            dropped,
            "dropped response headers with invalid names or values"
        );
    }
}
