//! Loading real handler libraries: the hello handler answers; a library with a wrong ABI
//! fingerprint is refused with both fingerprints named while the old one keeps serving;
//! installs are content-addressed.

use rust_edge_gateway_dataplane::library::install;
use rust_edge_gateway_dataplane::LoadError;
use rust_edge_gateway_sdk::abi::FINGERPRINT;
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{ctx, json, request, run, Store};

#[test]
fn hello_handler_loads_and_answers() {
    let store = Store::new();
    let lib = store
        .load(&fixtures().lib("fx_async"))
        .expect("load fx_async");
    let resp = run(lib
        .call_async(ctx(), request("GET", "/hello"))
        .expect("async entry"));
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.header("content-type").map(String::as_str),
        Some("application/json")
    );
    let body = json(&resp);
    assert_eq!(body["message"], "Hello from Rust Edge Gateway!");
    assert_eq!(body["version"], "v1");
    assert_eq!(body["path"], "/hello");
    assert_eq!(body["method"], "GET");
}

/// A copy of `lib` whose embedded fingerprint says it was built by another compiler.
fn with_foreign_fingerprint(lib: &std::path::Path, dir: &std::path::Path) -> std::path::PathBuf {
    let mut bytes = std::fs::read(lib).expect("read library");
    let needle = FINGERPRINT.as_bytes();
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the library embeds the fingerprint string");
    let rustc = FINGERPRINT.find("rustc ").expect("fingerprint names rustc");
    bytes[at + rustc..at + rustc + 6].copy_from_slice(b"rustX ");
    let out = dir.join("libforeign.so");
    std::fs::write(&out, bytes).expect("write patched library");
    out
}

#[test]
fn wrong_fingerprint_is_refused_and_the_old_handler_keeps_serving() {
    let store = Store::new();
    let old = store.load(&fixtures().lib("fx_async")).expect("load v1");

    let foreign = with_foreign_fingerprint(&fixtures().async_v2(), store.path());
    let err = store
        .load(&foreign)
        .expect_err("a foreign fingerprint must be refused");
    match &err {
        LoadError::FingerprintMismatch { library, host, .. } => {
            assert_eq!(host, FINGERPRINT);
            assert!(library.contains("rustX "), "{library}");
        }
        other => panic!("expected a fingerprint mismatch, got {other}"),
    }
    let message = err.to_string();
    assert!(
        message.contains(FINGERPRINT),
        "host fingerprint named: {message}"
    );
    assert!(
        message.contains("rustX"),
        "library fingerprint named: {message}"
    );

    let resp = run(old
        .call_async(ctx(), request("GET", "/hello"))
        .expect("async entry"));
    assert_eq!(resp.status, 200);
    assert_eq!(json(&resp)["version"], "v1");
}

#[test]
fn a_file_that_is_not_a_library_is_refused_cleanly() {
    let store = Store::new();
    let junk = store.path().join("junk.so");
    std::fs::write(&junk, b"definitely not an ELF file").expect("write junk");
    let err = store.load(&junk).expect_err("junk must not load");
    assert!(matches!(err, LoadError::Open { .. }), "{err}");
    assert!(
        err.to_string().contains("cannot load handler library"),
        "{err}"
    );
}

#[test]
fn installs_are_content_addressed_and_never_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let v1 = install(&fixtures().lib("fx_async"), dir.path()).expect("install v1");
    let v1_again = install(&fixtures().lib("fx_async"), dir.path()).expect("install v1 again");
    let v2 = install(&fixtures().async_v2(), dir.path()).expect("install v2");
    assert_eq!(v1, v1_again, "same bytes, same path");
    assert_ne!(v1, v2, "a new version gets its own path");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(names.len(), 2, "no temporary files left behind");
}
