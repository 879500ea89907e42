//! The load-test baseline: a hello server on the same worker setup as the dataplane (one
//! monoio runtime per thread, io_uring with epoll fallback, SO_REUSEPORT, httparse) with
//! no router, no registry and no handler library. It builds the same JSON body per request
//! as the `fx_async` hello handler, so the difference to the gateway is the gateway.
//! With `--fixed` it is the limit instead: it writes one fixed response (same length and
//! headers, a `Date` formatted once) with no JSON and no clock read per request.
//! A `Content-Length` body is read and skipped, so a POST load test can run against it too.
//!
//! `raw_monoio [--addr 127.0.0.1:9081] [--workers N] [--uring default|defer-taskrun|coop-taskrun] [--fixed]`

use std::io::Write;
use std::net::SocketAddr;

use monoio::buf::IoBufMut;
use monoio::io::{AsyncReadRent, AsyncWriteRentExt};
use monoio::net::{ListenerOpts, TcpListener, TcpStream};
use rust_edge_gateway_dataplane::UringSetup;

/// The whole response `--fixed` writes for every request.
fn fixed_response() -> Vec<u8> {
    let body = br#"{"message":"Hello from Rust Edge Gateway!","method":"GET","path":"/hello","version":"v1"}"#;
    let mut out = Vec::new();
    out.extend_from_slice(b"HTTP/1.1 200 OK\r\ndate: ");
    out.extend_from_slice(httpdate::fmt_http_date(std::time::SystemTime::now()).as_bytes());
    out.extend_from_slice(b"\r\ncontent-type: application/json\r\ncontent-length: ");
    out.extend_from_slice(itoa::Buffer::new().format(body.len()).as_bytes());
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(body);
    out
}

async fn serve(mut stream: TcpStream, fixed: Option<std::rc::Rc<[u8]>>) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut out: Vec<u8> = Vec::with_capacity(8192);
    loop {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut req = httparse::Request::new(&mut headers);
            let head = match req.parse(&buf) {
                Ok(httparse::Status::Complete(n)) => n,
                Ok(httparse::Status::Partial) => break,
                Err(_) => return,
            };
            let body_len = req
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .and_then(|h| {
                    std::str::from_utf8(h.value)
                        .ok()?
                        .trim()
                        .parse::<usize>()
                        .ok()
                })
                .unwrap_or(0);
            // A baseline, not a server for the open internet: bodies over 1 MiB end the
            // connection instead of growing the buffer without bound.
            let Some(n) = head.checked_add(body_len).filter(|_| body_len <= 1 << 20) else {
                return;
            };
            if buf.len() < n {
                if buf.capacity() < n {
                    buf.reserve(n - buf.len());
                }
                break;
            }
            if let Some(f) = &fixed {
                out.extend_from_slice(f);
                buf.drain(..n);
                continue;
            }
            let body = serde_json::to_vec(&serde_json::json!({
                "message": "Hello from Rust Edge Gateway!",
                "version": "v1",
                "path": req.path.unwrap_or("/"),
                "method": req.method.unwrap_or("GET"),
            }))
            .unwrap_or_default();
            out.extend_from_slice(b"HTTP/1.1 200 OK\r\ndate: ");
            out.extend_from_slice(httpdate::fmt_http_date(std::time::SystemTime::now()).as_bytes());
            out.extend_from_slice(b"\r\ncontent-type: application/json\r\ncontent-length: ");
            out.extend_from_slice(itoa::Buffer::new().format(body.len()).as_bytes());
            out.extend_from_slice(b"\r\n\r\n");
            out.extend_from_slice(&body);
            buf.drain(..n);
        }
        if !out.is_empty() {
            let (res, o) = stream.write_all(out).await;
            out = o;
            out.clear();
            if res.is_err() {
                return;
            }
        }
        if buf.capacity() - buf.len() < 4096 {
            buf.reserve(8192);
        }
        let len = buf.len();
        let (res, slice) = stream.read(buf.slice_mut(len..)).await;
        buf = slice.into_inner();
        match res {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut addr: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 9081));
    let mut workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut uring = UringSetup::DeferTaskrun;
    let mut fixed = false;
    while let Some(flag) = args.next() {
        if flag == "--fixed" {
            fixed = true;
            continue;
        }
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--addr" => addr = value.parse().unwrap_or(addr),
            "--workers" => workers = value.parse().unwrap_or(workers),
            "--uring" => uring = UringSetup::parse(&value).unwrap_or(uring),
            _ => {}
        }
    }
    let threads: Vec<_> = (0..workers)
        .map(|_| {
            std::thread::spawn(move || {
                // The same ring setup as the gateway's workers (it was parsed but not applied
                // before), with the same fallback when the kernel refuses it.
                let build = |setup: UringSetup| {
                    monoio::RuntimeBuilder::<monoio::FusionDriver>::new()
                        .with_entries(1024)
                        .uring_builder(setup.builder())
                        .enable_timer()
                        .build()
                };
                let rt = build(uring).or_else(|_| build(UringSetup::Default));
                let Ok(mut rt) = rt else { return };
                rt.block_on(async move {
                    let opts = ListenerOpts::new()
                        .reuse_port(true)
                        .reuse_addr(true)
                        .backlog(4096);
                    let Ok(listener) = TcpListener::bind_with_config(addr, &opts) else {
                        return;
                    };
                    let fixed: Option<std::rc::Rc<[u8]>> = fixed.then(|| fixed_response().into());
                    while let Ok((stream, _)) = listener.accept().await {
                        monoio::spawn(serve(stream, fixed.clone()));
                    }
                });
            })
        })
        .collect();
    println!("listening on {addr}");
    let _ = std::io::stdout().flush();
    for t in threads {
        let _ = t.join();
    }
}
