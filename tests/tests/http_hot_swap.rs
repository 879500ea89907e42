//! Hot swap under load: 32 keep-alive connections send requests while the endpoint is
//! swapped 50 times between two library versions. No request fails; every response comes
//! from v1 or v2; every request sent after the last swap returned is served by v2; the old
//! versions drain and are released.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rust_edge_gateway_dataplane::{Dataplane, DataplaneConfig};
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{endpoint, Store};
use rust_edge_gateway_tests::http::{get, Conn};

#[test]
fn fifty_swaps_under_32_connections_drop_nothing() {
    let config = DataplaneConfig::new("127.0.0.1:0".parse().expect("addr"))
        .workers(2)
        .drain_timeout(Duration::from_secs(10));
    let dp = Dataplane::start(config).expect("start");
    let store = Store::new();
    let v1 = store
        .install(&fixtures().lib("fx_async"))
        .expect("install v1");
    let v2 = store.install(&fixtures().async_v2()).expect("install v2");
    dp.registry()
        .deploy(
            endpoint("swap", "GET", "/hello"),
            Store::load_installed(&v1).expect("load v1"),
        )
        .expect("deploy v1");
    let addr = dp.local_addr();

    let stop = Arc::new(AtomicBool::new(false));
    let swapped = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let clients: Vec<_> = (0..32)
        .map(|_| {
            let (stop, swapped, ok) = (stop.clone(), swapped.clone(), ok.clone());
            std::thread::spawn(move || -> Result<(u64, u64), String> {
                let mut conn = Conn::open(addr);
                let (mut seen_v1, mut seen_v2) = (0, 0);
                while !stop.load(Ordering::Acquire) {
                    let after_swap = swapped.load(Ordering::Acquire);
                    let r = conn
                        .send(&get("/hello"))
                        .reply()
                        .ok_or("connection failed mid-swap")?;
                    if r.status != 200 {
                        return Err(format!(
                            "status {} during swaps: {:?}",
                            r.status,
                            String::from_utf8_lossy(&r.body)
                        ));
                    }
                    match (r.json()["version"].as_str(), after_swap) {
                        (Some("v2"), _) => seen_v2 += 1,
                        (Some("v1"), false) => seen_v1 += 1,
                        (Some("v1"), true) => {
                            return Err("v1 answered after the swap to v2 completed".into())
                        }
                        (other, _) => return Err(format!("unexpected version {other:?}")),
                    }
                    ok.fetch_add(1, Ordering::Relaxed);
                }
                Ok((seen_v1, seen_v2))
            })
        })
        .collect();

    std::thread::sleep(Duration::from_millis(200));
    let mut max_pending = 0;
    for i in 0..50 {
        let path = if i % 2 == 0 { &v2 } else { &v1 };
        let lib = Store::load_installed(path).expect("load");
        let result = dp
            .registry()
            .deploy(endpoint("swap", "GET", "/hello"), lib)
            .expect("swap");
        assert!(result.swapped && result.draining);
        max_pending = max_pending.max(result.old_requests_pending);
        std::thread::sleep(Duration::from_millis(20));
    }
    // The 50th swap (i = 49) installed v1; one more makes v2 final.
    dp.registry()
        .deploy(
            endpoint("swap", "GET", "/hello"),
            Store::load_installed(&v2).expect("load"),
        )
        .expect("final swap");
    swapped.store(true, Ordering::Release);
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Release);

    let (mut total_v1, mut total_v2) = (0, 0);
    for c in clients {
        let (a, b) = c
            .join()
            .expect("client thread")
            .unwrap_or_else(|e| panic!("a request failed: {e}"));
        total_v1 += a;
        total_v2 += b;
    }
    let served = ok.load(Ordering::Relaxed);
    eprintln!("hot swap: {served} requests over 51 swaps, v1 {total_v1}, v2 {total_v2}, max pending at swap {max_pending}");
    assert!(total_v1 > 0 && total_v2 > 0, "both versions served");
    assert!(served > 1000, "load was real: {served} requests");

    // Old versions drain and are released by the background task.
    let deadline = Instant::now() + Duration::from_secs(5);
    while dp.registry().stats().draining_count > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let stats = dp.registry().stats();
    assert_eq!(
        (
            stats.loaded_count,
            stats.draining_count,
            stats.draining_requests
        ),
        (1, 0, 0),
        "{stats:?}"
    );
    dp.shutdown();
}
