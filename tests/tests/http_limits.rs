//! Connection limits: idle keep-alive connections are closed after the keep-alive timeout,
//! connections beyond the per-worker limit are closed at accept, and a synchronous handler
//! served through the dataplane runs on the blocking pool.

use std::time::Duration;

use rust_edge_gateway_dataplane::{Dataplane, DataplaneConfig};
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{endpoint, Store};
use rust_edge_gateway_tests::http::{get, Conn};

#[test]
fn keep_alive_timeout_and_connection_limit() {
    let mut config = DataplaneConfig::new("127.0.0.1:0".parse().expect("addr"))
        .workers(1)
        .limits(
            4096,
            1024,
            Duration::from_secs(2),
            Duration::from_millis(300),
        );
    config.max_connections_per_worker = 3;
    let dp = Dataplane::start(config).expect("start");
    let store = Store::new();
    dp.registry()
        .deploy(
            endpoint("hello", "GET", "/hello"),
            store.load(&fixtures().lib("fx_async")).expect("load"),
        )
        .expect("deploy");
    dp.registry()
        .deploy(
            endpoint("blocking", "GET", "/blocking"),
            store.load(&fixtures().lib("fx_blocking")).expect("load"),
        )
        .expect("deploy");
    let addr = dp.local_addr();

    let mut idle = Conn::open(addr);
    assert_eq!(
        idle.send(&get("/hello")).reply().expect("reply").status,
        200
    );
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        idle.closed(),
        "idle connection closed after the keep-alive timeout"
    );

    let mut held: Vec<Conn> = (0..3).map(|_| Conn::open(addr)).collect();
    for c in &mut held {
        assert_eq!(
            c.send(&get("/blocking")).reply().expect("reply").status,
            200
        );
    }
    let mut extra = Conn::open(addr);
    extra.send(&get("/hello"));
    assert!(
        extra.reply().is_none(),
        "a fourth connection on a worker limited to 3 is closed"
    );
    drop(held);
    std::thread::sleep(Duration::from_millis(100));
    let mut again = Conn::open(addr);
    let r = again
        .send(&get("/blocking"))
        .reply()
        .expect("served once below the limit");
    assert_eq!(
        (r.status, r.json()["kind"].as_str()),
        (200, Some("blocking"))
    );
    dp.shutdown();
}
