//! The service-call path without HTTP: `concurrency` tasks on one monoio core call the host
//! vtable like a handler's `ctx.cache("kv").get_raw(..)` / `ctx.database("db").query(..)`
//! (bridge -> hub -> actor -> client -> reply), against the same client driven directly by
//! `direct_backend` at the same concurrency (`loadtest/services.sh` runs both).
//!
//! `service_path --kind redis|postgres --concurrency 64 --seconds 10`
//! prints `ops_per_sec=<n> p50_us=<n> p99_us=<n>`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use rust_edge_gateway_dataplane::host::{serve_calls_from, HOST_VTABLE};
use rust_edge_gateway_sdk::abi::host::{ServiceCall, ServiceOp, SqlValue};
use rust_edge_gateway_services::{ServiceDef, ServiceHub};

fn main() -> Result<(), String> {
    let mut kind = "redis".to_string();
    let mut concurrency = 64usize;
    let mut seconds = 10u64;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--kind" => kind = v,
            "--concurrency" => concurrency = v.parse().map_err(|e| format!("{e}"))?,
            "--seconds" => seconds = v.parse().map_err(|e| format!("{e}"))?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    let threads = rust_edge_gateway_benches::control_threads();
    let control = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let dir = std::env::temp_dir();
    let hub = ServiceHub::new(&dir, control.handle().clone());
    let (def, op) = match kind.as_str() {
        "redis" => (
            ServiceDef {
                id: "kv".into(),
                name: "kv".into(),
                service_type: "redis".into(),
                config: serde_json::json!({"host": "127.0.0.1", "port": 6379, "pool_size": 10}),
            },
            ServiceOp::CacheGet {
                key: "bench:key".into(),
            },
        ),
        "postgres" => (
            ServiceDef {
                id: "db".into(),
                name: "db".into(),
                service_type: "postgres".into(),
                config: serde_json::json!({"host": "127.0.0.1", "database": "test", "username": "postgres", "pool_size": 10}),
            },
            ServiceOp::DbQuery {
                sql: "SELECT id, name FROM bench_items WHERE id = $1".into(),
                params: vec![SqlValue::Int(42)],
            },
        ),
        other => return Err(format!("unknown kind {other}")),
    };
    control
        .block_on(hub.activate(&def, true))
        .map_err(|e| e.to_string())?;
    serve_calls_from(&hub);

    let mut rt = monoio::RuntimeBuilder::<monoio::FusionDriver>::new()
        .enable_timer()
        .build()
        .map_err(|e| e.to_string())?;
    let service = def.name.clone();
    let lat = rt.block_on(async move {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let all = Rc::new(RefCell::new(Vec::<u32>::new()));
        let mut tasks = Vec::new();
        let started = Instant::now();
        for _ in 0..concurrency {
            let all = Rc::clone(&all);
            let service = service.clone();
            let op = op.clone();
            tasks.push(monoio::spawn(async move {
                let mut mine = Vec::with_capacity(1 << 16);
                while Instant::now() < deadline {
                    let s = Instant::now();
                    let call = ServiceCall {
                        service: service.clone(),
                        op: op.clone(),
                    };
                    let r = (HOST_VTABLE.call)(1, call).await;
                    if let Err(f) = r {
                        return Err(f.message);
                    }
                    mine.push(u32::try_from(s.elapsed().as_micros()).unwrap_or(u32::MAX));
                }
                all.borrow_mut().extend(mine);
                Ok(())
            }));
        }
        for t in tasks {
            t.await?;
        }
        let v = std::mem::take(&mut *all.borrow_mut());
        Ok::<_, String>((v, started.elapsed()))
    })?;
    let (lat, elapsed) = lat;
    rust_edge_gateway_benches::report_latencies(lat, elapsed);
    Ok(())
}
