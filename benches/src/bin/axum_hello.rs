//! A peer of the load test (`loadtest/peers.sh`): the hello server a Rust user would write
//! instead of deploying a handler to the gateway. axum 0.8 (hyper, HTTP/1.1 keep-alive) on a
//! tokio multi-thread runtime; `GET /hello` serialises `{"message":"Hello, World!"}` per
//! request (`axum::Json`, so `content-type: application/json`), the same body as the other
//! peers in `loadtest/peers/`. For the realistic rows of the load test, the same work as
//! the gateway's `fx_async` handler: `GET /p/{id}` answers the path parameter, the decoded
//! query, the host and the request id as JSON, and `POST /json` parses a JSON order into a
//! typed struct and answers a JSON summary. Anything else is 404.
//!
//! `axum_hello [--addr 127.0.0.1:9082] [--threads 2]`
//! Prints `listening on ADDR` once the socket is bound.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::{Json, Router};

const USAGE: &str = "usage: axum_hello [--addr 127.0.0.1:9082] [--threads 2]";

struct Args {
    addr: SocketAddr,
    threads: usize,
}

fn args() -> Result<Option<Args>, String> {
    let mut a = Args {
        addr: SocketAddr::from(([127, 0, 0, 1], 9082)),
        threads: 2,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--addr" => a.addr = value.parse().map_err(|e| format!("--addr {value}: {e}"))?,
            "--threads" => {
                a.threads = value
                    .parse()
                    .map_err(|e| format!("--threads {value}: {e}"))?;
                if a.threads == 0 {
                    return Err("--threads must be at least 1".into());
                }
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(Some(a))
}

async fn hello() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "message": "Hello, World!" }))
}

async fn item(
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Json<serde_json::Value> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    Json(serde_json::json!({
        "params": { "id": id },
        "query": query,
        "host": header("host"),
        "request_id": header("x-request-id"),
    }))
}

#[derive(serde::Deserialize)]
struct Order {
    customer: String,
    items: Vec<Item>,
}

#[derive(serde::Deserialize)]
struct Item {
    price: f64,
    qty: u32,
}

async fn order(Json(order): Json<Order>) -> Json<serde_json::Value> {
    let total: f64 = order.items.iter().map(|i| i.price * f64::from(i.qty)).sum();
    Json(serde_json::json!({
        "accepted": true,
        "customer": order.customer,
        "items": order.items.len(),
        "total": total,
    }))
}

async fn serve(addr: SocketAddr) -> std::io::Result<()> {
    // The same listen backlog as the raw baseline and the nginx peers.
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    let listener = socket.listen(4096)?;
    let local = listener.local_addr()?;
    let listener = listener.tap_io(|tcp| {
        // Best effort, as in the raw baseline: a socket that refuses it still serves.
        let _ = tcp.set_nodelay(true);
    });
    let app = Router::new()
        .route("/hello", get(hello))
        .route("/p/{id}", get(item))
        .route("/json", post(order));
    println!("listening on {local}");
    let _ = std::io::stdout().flush();
    axum::serve(listener, app).await
}

fn main() -> ExitCode {
    let a = match args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("axum_hello: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(a.threads)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("axum_hello: tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(serve(a.addr)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("axum_hello: {}: {e}", a.addr);
            ExitCode::FAILURE
        }
    }
}
