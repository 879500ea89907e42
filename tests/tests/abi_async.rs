//! Async handlers on the gateway's runtime: awaiting host timers without blocking the core,
//! binary bodies, big allocations freed by the host, `?` in a `-> Response` handler,
//! blocking handlers on the pool, and service calls when no service actors run (503 with
//! the reason, never a fake result).

use std::cell::Cell;
use std::rc::Rc;

use rust_edge_gateway_dataplane::blocking::BlockingPool;
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{ctx, json, request, run, with_body, Store};

#[test]
fn awaiting_a_host_timer_does_not_block_the_core() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_async")).expect("load");
    run(async {
        let done = Rc::new(Cell::new(false));
        let sleeper = {
            let (done, fut) = (
                done.clone(),
                lib.call_async(ctx(), request("GET", "/sleep?ms=300"))
                    .expect("async"),
            );
            monoio::spawn(async move {
                let resp = fut.await;
                done.set(true);
                resp
            })
        };
        // While the first handler waits on the host timer, the same core serves another.
        monoio::time::sleep(std::time::Duration::from_millis(5)).await;
        let quick = lib
            .call_async(ctx(), request("GET", "/hello"))
            .expect("async")
            .await;
        assert_eq!(quick.status, 200);
        assert!(!done.get(), "the sleeping handler is still parked");
        let slept = sleeper.await;
        assert_eq!(slept.status, 200);
        assert_eq!(json(&slept)["slept_ms"], 300);
        assert!(done.get());
    });
}

#[test]
fn binary_bodies_survive_the_round_trip() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_async")).expect("load");
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let req = with_body(request("POST", "/echo"), "application/x-raw", bytes.clone());
    let resp = run(lib.call_async(ctx(), req).expect("async"));
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.header("content-type").map(String::as_str),
        Some("application/x-raw")
    );
    assert_eq!(resp.body_bytes(), &bytes[..]);
}

#[test]
fn large_handler_allocations_are_freed_by_the_host() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_async")).expect("load");
    for _ in 0..50 {
        let resp = run(lib
            .call_async(ctx(), request("GET", "/alloc?kib=1024"))
            .expect("async"));
        assert_eq!(resp.status, 200);
        let body = resp.body_bytes();
        assert_eq!(body.len(), 1024 * 1024);
        assert!(body.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8));
        drop(resp); // freed here, by the gateway's allocator
    }
}

#[test]
fn question_mark_in_a_response_handler_gives_the_error_response() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_async")).expect("load");
    let missing = run(lib
        .call_async(ctx(), request("GET", "/question"))
        .expect("async"));
    assert_eq!(missing.status, 400);
    assert_eq!(
        json(&missing)["error"],
        "Bad request: Missing query parameter: n"
    );
    let bad = run(lib
        .call_async(ctx(), request("GET", "/question?n=x"))
        .expect("async"));
    assert_eq!(bad.status, 400);
    let ok = run(lib
        .call_async(ctx(), request("GET", "/question?n=5"))
        .expect("async"));
    assert_eq!((ok.status, json(&ok)["n"].as_u64()), (200, Some(5)));
}

#[test]
fn service_calls_without_service_actors_are_503_with_the_reason() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_async")).expect("load");
    let resp = run(lib.call_async(ctx(), request("GET", "/db")).expect("async"));
    assert_eq!(resp.status, 503);
    let err = json(&resp)["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        err.contains("main-db") && err.contains("no service actors"),
        "{err}"
    );

    // The v1 blocking API takes the blocking path, from a pool thread.
    let v1 = store
        .load(&fixtures().lib("fx_loop"))
        .expect("load fx_loop");
    let pool = BlockingPool::new(1, 8).expect("pool");
    let resp = run(v1.invoke(ctx(), request("GET", "/users?id=1"), &pool));
    assert_eq!(resp.status, 503);
    assert!(json(&resp)["error"]
        .as_str()
        .is_some_and(|e| e.contains("main-db")));
}

#[test]
fn blocking_handlers_run_on_the_pool_and_do_not_block_the_core() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_blocking")).expect("load");
    assert!(
        lib.call_async(ctx(), request("GET", "/")).is_none(),
        "not an async entry"
    );
    let fast = store
        .load(&fixtures().lib("fx_async"))
        .expect("load fx_async");
    let pool = Rc::new(BlockingPool::new(2, 8).expect("pool"));
    run(async {
        let done = Rc::new(Cell::new(false));
        let sleeper = {
            let (done, lib, pool) = (done.clone(), lib.clone(), pool.clone());
            monoio::spawn(async move {
                let resp = lib.invoke(ctx(), request("GET", "/sleep"), &pool).await;
                done.set(true);
                resp
            })
        };
        monoio::time::sleep(std::time::Duration::from_millis(5)).await;
        // The blocking handler sleeps in std::thread::sleep on a pool thread; this core
        // keeps serving meanwhile.
        let quick = fast
            .call_async(ctx(), request("GET", "/hello"))
            .expect("async")
            .await;
        assert_eq!(quick.status, 200);
        assert!(
            !done.get(),
            "the blocking handler is still running on its pool thread"
        );
        let slept = sleeper.await;
        assert_eq!(
            (slept.status, json(&slept)["slept_ms"].as_u64()),
            (200, Some(300))
        );
    });
}
