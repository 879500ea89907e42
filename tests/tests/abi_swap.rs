//! Versions of an endpoint: v1 then v2 from their own paths, v2's code runs; a future still
//! running on v1 keeps v1 loaded until it finishes; closed libraries are really unmapped,
//! except those pinned by a thread-local destructor, which are detected; repeated
//! load/unload cycles keep memory flat.

use rust_edge_gateway_dataplane::library::mapped_copies;
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{ctx, json, request, rss_kib, run, Store};

#[test]
fn v2_replaces_v1_and_v1_is_unmapped_after_close() {
    let store = Store::new();
    let v1 = store.load(&fixtures().lib("fx_async")).expect("load v1");
    let v1_path = v1.path().to_path_buf();
    assert_eq!(
        json(&run(v1
            .call_async(ctx(), request("GET", "/hello"))
            .expect("a"))),
        json(&run(v1
            .call_async(ctx(), request("GET", "/hello"))
            .expect("a")))
    );
    let v2 = store.load(&fixtures().async_v2()).expect("load v2");
    assert_ne!(v1.path(), v2.path());
    assert_eq!(
        json(&run(v2
            .call_async(ctx(), request("GET", "/hello"))
            .expect("a")))["version"],
        "v2"
    );
    assert_eq!(
        json(&run(v1
            .call_async(ctx(), request("GET", "/hello"))
            .expect("a")))["version"],
        "v1"
    );
    assert!(mapped_copies(&v1_path) > 0);
    drop(v1);
    assert_eq!(
        mapped_copies(&v1_path),
        0,
        "v1 unmapped once nothing uses it"
    );
    assert_eq!(
        json(&run(v2
            .call_async(ctx(), request("GET", "/hello"))
            .expect("a")))["version"],
        "v2"
    );
}

#[test]
fn an_in_flight_request_keeps_its_library_loaded() {
    let store = Store::new();
    let v1 = store.load(&fixtures().lib("fx_async")).expect("load v1");
    let v1_path = v1.path().to_path_buf();
    let in_flight = v1
        .call_async(ctx(), request("GET", "/sleep?ms=50"))
        .expect("async");
    drop(v1); // the registry lets go of v1: only the in-flight future holds it now
    assert!(
        mapped_copies(&v1_path) > 0,
        "still mapped while a request runs on it"
    );
    let _v2 = store.load(&fixtures().async_v2()).expect("load v2");
    let resp = run(in_flight);
    assert_eq!(
        json(&resp)["version"],
        "v1",
        "the old request finishes on the old code"
    );
    assert_eq!(mapped_copies(&v1_path), 0, "closed after the last request");
}

#[test]
fn a_thread_local_destructor_pins_the_library_and_is_detected() {
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_tls")).expect("load fx_tls");
    let path = lib.path().to_path_buf();
    let resp = run(lib.call_async(ctx(), request("GET", "/")).expect("async"));
    assert_eq!(json(&resp)["scratch"], 1);
    drop(lib);
    // glibc cannot unload it while this thread lives (rust-lang/rust#59629); the gateway
    // reports such libraries from /proc/self/maps instead of believing dlclose.
    assert!(
        mapped_copies(&path) > 0,
        "expected the known pinning to be visible"
    );
}

#[test]
fn load_call_unload_cycles_keep_rss_flat() {
    let store = Store::new();
    let libs = [
        store
            .install(&fixtures().lib("fx_async"))
            .expect("install v1"),
        store.install(&fixtures().async_v2()).expect("install v2"),
    ];
    let cycle = |n: usize| {
        for i in 0..n {
            let lib = Store::load_installed(&libs[i % 2]).expect("load");
            let resp = run(lib.call_async(ctx(), request("GET", "/hello")).expect("a"));
            assert_eq!(json(&resp)["version"], if i % 2 == 0 { "v1" } else { "v2" });
            drop(lib);
            assert_eq!(mapped_copies(&libs[i % 2]), 0, "closed and unmapped");
        }
    };
    cycle(20);
    let before = rss_kib();
    cycle(1000);
    let after = rss_kib();
    let growth = after.saturating_sub(before);
    eprintln!(
        "RSS around 1,000 load/call/unload cycles: {before} KiB -> {after} KiB (+{growth} KiB)"
    );
    assert!(
        growth < 10 * 1024,
        "RSS grew by {growth} KiB over 1,000 cycles"
    );
}
