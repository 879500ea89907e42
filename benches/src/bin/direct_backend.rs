//! The baseline of `loadtest/services.sh`: the same backend operation as the gateway's
//! service handlers, straight from a tokio program with the same client crate, pool size and
//! concurrency, no HTTP and no gateway.
//!
//! `direct_backend --kind redis|postgres --concurrency 64 --seconds 10 [--pool 10]`
//! prints one line: `ops_per_sec=<n> p50_us=<n> p99_us=<n>`.

use std::time::{Duration, Instant};

use fred::prelude::*;

struct Args {
    kind: String,
    concurrency: usize,
    seconds: u64,
    pool: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        kind: "redis".into(),
        concurrency: 64,
        seconds: 10,
        pool: 10,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--kind" => a.kind = value,
            "--concurrency" => a.concurrency = value.parse().map_err(|e| format!("{e}"))?,
            "--seconds" => a.seconds = value.parse().map_err(|e| format!("{e}"))?,
            "--pool" => a.pool = value.parse().map_err(|e| format!("{e}"))?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(a)
}

async fn run<F, Fut>(a: &Args, op: F) -> Result<(), String>
where
    F: Fn(u64) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..a.concurrency {
        let op = op.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(1 << 16);
            let mut i = t as u64;
            while Instant::now() < deadline {
                let s = Instant::now();
                op(i).await?;
                lat.push(u32::try_from(s.elapsed().as_micros()).unwrap_or(u32::MAX));
                i += 1;
            }
            Ok::<_, String>(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    rust_edge_gateway_benches::report_latencies(all, started.elapsed());
    Ok(())
}

fn main() -> Result<(), String> {
    let a = args()?;
    let threads = rust_edge_gateway_benches::control_threads();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        match a.kind.as_str() {
            "redis" => {
                let pool = Builder::from_config(
                    Config::from_url("redis://127.0.0.1:6379").map_err(|e| e.to_string())?,
                )
                .build_pool(a.pool)
                .map_err(|e| e.to_string())?;
                pool.init().await.map_err(|e| e.to_string())?;
                run(&a, move |_| {
                    let pool = pool.clone();
                    async move {
                        let _: Option<String> =
                            pool.get("bench:key").await.map_err(|e| e.to_string())?;
                        Ok(())
                    }
                })
                .await
            }
            "postgres" => {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(u32::try_from(a.pool).unwrap_or(10))
                    .connect("postgres://postgres@127.0.0.1:5432/test")
                    .await
                    .map_err(|e| e.to_string())?;
                run(&a, move |i| {
                    let pool = pool.clone();
                    async move {
                        let _ = i;
                        let id = 42_i64;
                        let _row: (i32, String) =
                            sqlx::query_as("SELECT id, name FROM bench_items WHERE id = $1")
                                .bind(i32::try_from(id).unwrap_or(1))
                                .fetch_one(&pool)
                                .await
                                .map_err(|e| e.to_string())?;
                        Ok(())
                    }
                })
                .await
            }
            other => Err(format!("unknown kind {other}")),
        }
    })
}
