//! Hostile connections against a running gateway, with polite traffic alongside; prints
//! figures, asserts nothing (issue 13's attack):
//!
//! - slowloris heads: a request head trickled a byte every 4 s;
//! - trickled bodies: a complete head announcing 1,000,000 bytes, then a byte every 4 s;
//! - stalled bodies: `Content-Length: 8000000`, 7.9 MB sent, then nothing;
//! - mute connections: connected, never a byte.
//!
//! Meanwhile polite clients send `GET <polite path>` on fresh connections. At the end it
//! prints the gateway's RSS growth (from `/proc/<pid>/status`), how many hostile
//! connections each kind still had open, when the last one was closed, what they were
//! answered, and the polite requests' latency (p50, p99, max) and failures.
//!
//! ```text
//! hostile --addr 127.0.0.1:9080 --pid PID [--secs 45] [--polite /hello] [--upload /upload]
//!         [--slowloris 300] [--trickle 300] [--stalled 200] [--mute 130] [--polite-clients 4]
//! ```
//! Raise the open-files limit first (`ulimit -n 65536`): it holds one socket per connection.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Slowloris,
    Trickle,
    Stalled,
    Mute,
}

struct Hostile {
    kind: Kind,
    stream: TcpStream,
    /// Bytes still to send before stalling (stalled bodies), or the head left to trickle.
    pending: Cow<'static, [u8]>,
    sent: usize,
    answer: Vec<u8>,
    closed_at: Option<Duration>,
}

struct Args {
    addr: SocketAddr,
    pid: u32,
    secs: u64,
    polite: String,
    upload: String,
    counts: [(Kind, usize); 4],
    polite_clients: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        addr: "127.0.0.1:9080".parse().map_err(|e| format!("{e}"))?,
        pid: 0,
        secs: 45,
        polite: "/hello".into(),
        upload: "/upload".into(),
        counts: [
            (Kind::Slowloris, 300),
            (Kind::Trickle, 300),
            (Kind::Stalled, 200),
            (Kind::Mute, 130),
        ],
        polite_clients: 4,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let num = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--addr" => a.addr = value.parse().map_err(|e| format!("--addr: {e}"))?,
            "--pid" => a.pid = value.parse().map_err(|e| format!("--pid: {e}"))?,
            "--secs" => a.secs = value.parse().map_err(|e| format!("--secs: {e}"))?,
            "--polite" => a.polite = value,
            "--upload" => a.upload = value,
            "--slowloris" => a.counts[0].1 = num()?,
            "--trickle" => a.counts[1].1 = num()?,
            "--stalled" => a.counts[2].1 = num()?,
            "--mute" => a.counts[3].1 = num()?,
            "--polite-clients" => a.polite_clients = num()?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if a.pid == 0 {
        return Err("--pid PID (the gateway's process, for its RSS) is required".into());
    }
    Ok(a)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// `n` bytes of body, shared by every connection that sends them.
fn filler(n: usize) -> Cow<'static, [u8]> {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    let all = BYTES.get_or_init(|| vec![b'x'; 8_000_000]);
    Cow::Borrowed(&all[..n.min(all.len())])
}

fn open(kind: Kind, a: &Args) -> std::io::Result<Hostile> {
    let stream = TcpStream::connect(a.addr)?;
    let upload = &a.upload;
    let (first, pending): (Vec<u8>, Cow<'static, [u8]>) = match kind {
        Kind::Slowloris => (
            Vec::new(),
            Cow::Owned(
                format!(
                    "GET {} HTTP/1.1\r\nHost: localhost\r\nX-Pad: {}\r\n\r\n",
                    a.polite,
                    "a".repeat(64)
                )
                .into_bytes(),
            ),
        ),
        Kind::Trickle => (
            format!("POST {upload} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\n")
                .into_bytes(),
            filler(1_000_000),
        ),
        Kind::Stalled => (
            format!("POST {upload} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 8000000\r\n\r\n")
                .into_bytes(),
            filler(7_900_000),
        ),
        Kind::Mute => (Vec::new(), Cow::Borrowed(&[])),
    };
    let mut h = Hostile {
        kind,
        stream,
        pending,
        sent: 0,
        answer: Vec::new(),
        closed_at: None,
    };
    if !first.is_empty() {
        h.stream.write_all(&first)?;
    }
    h.stream.set_nonblocking(true)?;
    Ok(h)
}

impl Hostile {
    /// Sends what this kind sends now: one byte (slowloris, trickle) or as much of the
    /// stalled body as the socket takes.
    fn push(&mut self, trickle_tick: bool, started: Instant) {
        if self.closed_at.is_some() || self.sent >= self.pending.len() {
            return;
        }
        let end = match self.kind {
            Kind::Slowloris | Kind::Trickle if trickle_tick => self.sent + 1,
            Kind::Stalled => self.pending.len(),
            _ => return,
        };
        match self.stream.write(&self.pending[self.sent..end]) {
            Ok(n) => self.sent += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => self.closed_at = Some(started.elapsed()),
        }
    }

    /// Reads what the server sent; notes the close.
    fn poll(&mut self, started: Instant) {
        if self.closed_at.is_some() {
            return;
        }
        let mut buf = [0u8; 4096];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    self.closed_at = Some(started.elapsed());
                    return;
                }
                Ok(n) => {
                    if self.answer.len() < 64 {
                        self.answer.extend_from_slice(&buf[..n.min(64)]);
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(_) => {
                    self.closed_at = Some(started.elapsed());
                    return;
                }
            }
        }
    }

    fn status(&self) -> String {
        let text = String::from_utf8_lossy(&self.answer);
        text.split_whitespace()
            .nth(1)
            .map_or_else(|| "none".to_string(), str::to_string)
    }
}

fn polite(
    addr: SocketAddr,
    path: String,
    stop: Arc<AtomicBool>,
    out: Arc<Mutex<Vec<Option<Duration>>>>,
) {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    while !stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        let ok = (|| -> std::io::Result<bool> {
            let mut s = TcpStream::connect(addr)?;
            s.set_read_timeout(Some(Duration::from_secs(5)))?;
            s.write_all(raw.as_bytes())?;
            let mut reply = Vec::new();
            s.read_to_end(&mut reply)?;
            Ok(reply.starts_with(b"HTTP/1.1 200"))
        })()
        .unwrap_or(false);
        let took = t.elapsed();
        if let Ok(mut v) = out.lock() {
            v.push(ok.then_some(took));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let rss_before = rss_kib(a.pid);
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let politeness: Vec<_> = (0..a.polite_clients)
        .map(|_| {
            let (stop, out, path) = (Arc::clone(&stop), Arc::clone(&latencies), a.polite.clone());
            let addr = a.addr;
            std::thread::spawn(move || polite(addr, path, stop, out))
        })
        .collect();

    let mut hostile = Vec::new();
    let mut refused_connect = 0;
    for (kind, n) in a.counts {
        for _ in 0..n {
            match open(kind, &a) {
                Ok(h) => hostile.push(h),
                Err(_) => refused_connect += 1,
            }
        }
    }
    eprintln!(
        "[hostile] {} hostile connections open after {:.1} s ({refused_connect} failed to connect)",
        hostile.len(),
        started.elapsed().as_secs_f64()
    );

    let mut rss_peak = rss_kib(a.pid);
    let mut next_trickle = Instant::now();
    let mut last_report = Instant::now();
    let end = started + Duration::from_secs(a.secs);
    while Instant::now() < end {
        let tick = Instant::now() >= next_trickle;
        if tick {
            next_trickle += Duration::from_secs(4);
        }
        for h in &mut hostile {
            h.push(tick, started);
            h.poll(started);
        }
        rss_peak = rss_peak.max(rss_kib(a.pid));
        if last_report.elapsed() >= Duration::from_secs(5) {
            last_report = Instant::now();
            let open = hostile.iter().filter(|h| h.closed_at.is_none()).count();
            eprintln!(
                "[hostile] t={:>4.1} s open={open} rss={} MiB",
                started.elapsed().as_secs_f64(),
                rss_kib(a.pid) / 1024
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let rss_end = rss_kib(a.pid);
    stop.store(true, Ordering::Relaxed);
    for t in politeness {
        let _ = t.join();
    }

    println!("duration: {} s", a.secs);
    println!(
        "rss: before {} MiB, peak {} MiB, end {} MiB; growth at peak {} MiB",
        rss_before / 1024,
        rss_peak / 1024,
        rss_end / 1024,
        rss_peak.saturating_sub(rss_before) / 1024
    );
    let mut by_kind: BTreeMap<Kind, (usize, usize, Duration, BTreeMap<String, usize>)> =
        BTreeMap::new();
    for h in &hostile {
        let e = by_kind
            .entry(h.kind)
            .or_insert((0, 0, Duration::ZERO, BTreeMap::new()));
        e.0 += 1;
        match h.closed_at {
            Some(at) => e.2 = e.2.max(at),
            None => e.1 += 1,
        }
        *e.3.entry(h.status()).or_insert(0) += 1;
    }
    let still_open: usize = by_kind.values().map(|v| v.1).sum();
    for (kind, (n, open, last, answers)) in &by_kind {
        println!(
            "hostile {kind:?}: {n} connections, {open} still open, last closed at {:.1} s, answers {answers:?}",
            last.as_secs_f64()
        );
    }
    println!(
        "hostile still open at the end: {still_open} of {}",
        hostile.len()
    );
    let mut ok: Vec<Duration> = Vec::new();
    let mut failed = 0;
    if let Ok(v) = latencies.lock() {
        for l in v.iter() {
            match l {
                Some(d) => ok.push(*d),
                None => failed += 1,
            }
        }
    }
    ok.sort();
    let q = |p: f64| {
        ok.get(((ok.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "polite: {} answered 200, {failed} failed; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ok.len(),
        q(0.5),
        q(0.99),
        q(1.0)
    );
}
