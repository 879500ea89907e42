//! A handler that never yields blocks its worker: the watchdog reports that worker with the
//! endpoint it was running, and connections on the other worker keep being served.

use std::time::{Duration, Instant};

use rust_edge_gateway_dataplane::registry::EndpointSpec;
use rust_edge_gateway_dataplane::{Dataplane, DataplaneConfig};
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{endpoint, Store};
use rust_edge_gateway_tests::http::{get, Conn};

#[test]
fn a_spinning_handler_is_reported_and_the_other_worker_keeps_serving() {
    let mut config = DataplaneConfig::new("127.0.0.1:0".parse().expect("addr")).workers(2);
    config.watchdog_threshold = Duration::from_millis(300);
    let dp = Dataplane::start(config).expect("start");
    let store = Store::new();
    let lib = fixtures().lib("fx_async");
    dp.registry()
        .deploy(
            EndpointSpec {
                scope: 42,
                timeout: Duration::from_secs(10),
                ..endpoint("spin", "GET", "/spin")
            },
            store.load(&lib).expect("load"),
        )
        .expect("deploy");
    dp.registry()
        .deploy(
            EndpointSpec {
                scope: 7,
                ..endpoint("hello", "GET", "/hello")
            },
            store.load(&lib).expect("load"),
        )
        .expect("deploy");
    let addr = dp.local_addr();

    // Open connections first: SO_REUSEPORT spreads them over both workers.
    let mut conns: Vec<Conn> = (0..16).map(|_| Conn::open(addr)).collect();
    for c in &mut conns {
        assert_eq!(c.send(&get("/hello")).reply().expect("warm").status, 200);
    }
    let mut spinner = conns.pop().expect("conn");
    spinner.send(&get("/spin?ms=2000"));
    std::thread::sleep(Duration::from_millis(100));

    // While one worker spins, the connections on the other one are answered quickly.
    let started = Instant::now();
    let answered: Vec<_> = conns
        .into_iter()
        .map(|mut c| {
            std::thread::spawn(move || {
                c.send(&get("/hello"));
                let r = c.reply().expect("reply");
                (r.status, Instant::now())
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().expect("client"))
        .collect();
    assert!(answered.iter().all(|(s, _)| *s == 200));
    let during_spin = answered
        .iter()
        .filter(|(_, at)| at.duration_since(started) < Duration::from_millis(1000))
        .count();
    assert!(
        during_spin > 0,
        "the free worker kept serving while the other one was blocked"
    );

    let health = dp.worker_health();
    eprintln!("worker health after the spin: {health:?}");
    let blocked: Vec<_> = health.iter().filter(|h| h.stalls > 0).collect();
    assert_eq!(
        blocked.len(),
        1,
        "exactly the spinning worker was reported: {health:?}"
    );
    assert_eq!(
        blocked[0].last_stall_scope,
        Some(42),
        "the report names the spinning endpoint"
    );
    assert_eq!(
        dp.watchdog().removed_listeners(),
        1,
        "the stalled worker left the reuseport group"
    );
    let r = spinner.reply().expect("the spinning request completes");
    assert_eq!((r.status, r.json()["spun_ms"].as_u64()), (200, Some(2000)));
    // Once it runs again it listens on a new socket, and a 2 s spin (under the 5 s
    // threshold) quarantined nothing.
    let deadline = Instant::now() + Duration::from_secs(3);
    while !dp.worker_health().iter().all(|h| h.listening) {
        assert!(Instant::now() < deadline, "{:?}", dp.worker_health());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(dp.quarantine().quarantines(), 0);
    let fresh: Vec<u16> = (0..20)
        .map(|_| {
            Conn::open(addr)
                .send(&get("/hello"))
                .reply()
                .expect("reply")
                .status
        })
        .collect();
    assert!(fresh.iter().all(|s| *s == 200), "{fresh:?}");
    dp.shutdown();
}
