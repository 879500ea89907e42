//! Panics stay inside the handler library: on the call, on the first poll, after an await,
//! in a destructor when the gateway drops the future. Each gives that request a 500 and the
//! next call succeeds; 10,000 panics leave memory flat.

use std::future::Future;

use rust_edge_gateway_dataplane::blocking::BlockingPool;
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{ctx, json, request, rss_kib, run, Store};

#[test]
fn panic_on_first_poll_is_a_500_and_the_next_call_works() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_async")).expect("load");
    let resp = run(lib
        .call_async(ctx(), request("GET", "/panic"))
        .expect("async"));
    assert_eq!(resp.status, 500);
    assert_eq!(
        resp.header("x-gateway-error").map(String::as_str),
        Some("handler-panic")
    );
    let err = json(&resp)["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(err.contains("boom on first poll"), "{err}");
    let ok = run(lib
        .call_async(ctx(), request("GET", "/hello"))
        .expect("async"));
    assert_eq!(ok.status, 200);
}

#[test]
fn panic_after_an_await_is_a_500() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_async")).expect("load");
    let resp = run(lib
        .call_async(ctx(), request("GET", "/panic-after-await"))
        .expect("async"));
    assert_eq!(resp.status, 500);
    assert!(json(&resp)["error"]
        .as_str()
        .is_some_and(|e| e.contains("boom after an await")));
    assert_eq!(
        run(lib
            .call_async(ctx(), request("GET", "/hello"))
            .expect("async"))
        .status,
        200
    );
}

#[test]
fn panic_on_call_of_a_blocking_handler_is_a_500() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_blocking")).expect("load");
    let pool = BlockingPool::new(2, 64).expect("pool");
    let resp = run(lib.invoke(ctx(), request("GET", "/panic"), &pool));
    assert_eq!(resp.status, 500);
    assert!(json(&resp)["error"]
        .as_str()
        .is_some_and(|e| e.contains("boom on call")));
    let ok = run(lib.invoke(ctx(), request("GET", "/fine"), &pool));
    assert_eq!(ok.status, 200);
    assert_eq!(json(&ok)["kind"], "blocking");
}

#[test]
fn a_destructor_panic_when_the_gateway_drops_the_future_is_contained() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_async")).expect("load");
    run(async {
        let mut fut = Box::pin(
            lib.call_async(ctx(), request("GET", "/drop-panic"))
                .expect("async"),
        );
        let first = std::future::poll_fn(|cx| std::task::Poll::Ready(fut.as_mut().poll(cx))).await;
        assert!(first.is_pending(), "the handler is parked on a long sleep");
        drop(fut); // a handler timeout or a closed connection does this
    });
    assert_eq!(
        run(lib
            .call_async(ctx(), request("GET", "/hello"))
            .expect("async"))
        .status,
        200
    );
}

#[test]
fn ten_thousand_panics_leave_rss_flat() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_async")).expect("load");
    let pool = BlockingPool::new(1, 16).expect("pool");
    let blocking = store
        .load(&fixtures().lib("fx_blocking"))
        .expect("load blocking");
    let panics = |n: usize| {
        run(async {
            for i in 0..n {
                let path = if i % 10 == 0 {
                    "/panic-after-await"
                } else {
                    "/panic"
                };
                let resp = lib
                    .call_async(ctx(), request("GET", path))
                    .expect("async")
                    .await;
                assert_eq!(resp.status, 500);
            }
            for _ in 0..n / 10 {
                assert_eq!(
                    blocking
                        .invoke(ctx(), request("GET", "/panic"), &pool)
                        .await
                        .status,
                    500
                );
            }
        })
    };
    panics(1_000); // warm-up: one-off allocations of the panic machinery
    let before = rss_kib();
    panics(10_000);
    let after = rss_kib();
    let growth = after.saturating_sub(before);
    eprintln!("RSS around 10,000 async + 1,000 blocking panics: {before} KiB -> {after} KiB (+{growth} KiB)");
    assert!(
        growth < 4 * 1024,
        "RSS grew by {growth} KiB over 10,000 panics"
    );
    assert_eq!(
        run(lib
            .call_async(ctx(), request("GET", "/hello"))
            .expect("async"))
        .status,
        200
    );
}
