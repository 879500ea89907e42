//! Loads a handler library and drives it without an async runtime, for memory checkers.
//!
//! `abi_probe <libfx_async.so> <calls>` installs the library, then per iteration makes the
//! handler allocate a response (freed here by the host allocator), echo a binary body
//! (allocated here, freed in the library), answer a JSON hello, and panic; finally it closes
//! the library. Run under valgrind by `tests/abi_valgrind.rs`: any invalid read, write or
//! free across the boundary makes valgrind's error count non-zero.

use std::process::ExitCode;

use rust_edge_gateway_sdk::Response;
use rust_edge_gateway_tests::harness::{ctx, ready_now, request, with_body, Store};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(lib), calls) = (
        args.next(),
        args.next()
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(1000),
    ) else {
        eprintln!("usage: abi_probe <handler.so> [calls]");
        return ExitCode::from(2);
    };
    let store = Store::new();
    let handler = match store.load(std::path::Path::new(&lib)) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("abi_probe: {e}");
            return ExitCode::from(3);
        }
    };
    let mut failures = 0usize;
    let check = |failures: &mut usize, what: &str, resp: Response, status: u16| {
        if resp.status != status {
            *failures += 1;
            eprintln!("{what}: status {} (expected {status})", resp.status);
        }
    };
    for i in 0..calls {
        let body: Vec<u8> = (0..4096u32)
            .map(|b| (b.wrapping_mul(i as u32 + 7) % 256) as u8)
            .collect();
        let Some(f) = handler.call_async(ctx(), request("GET", "/alloc?kib=64")) else {
            eprintln!("not an async handler");
            return ExitCode::from(4);
        };
        check(&mut failures, "alloc", ready_now(f), 200);
        if let Some(f) = handler.call_async(
            ctx(),
            with_body(request("POST", "/echo"), "application/x-raw", body.clone()),
        ) {
            let resp = ready_now(f);
            if resp.body_bytes() != &body[..] {
                failures += 1;
            }
            check(&mut failures, "echo", resp, 200);
        }
        if let Some(f) = handler.call_async(ctx(), request("GET", "/hello")) {
            check(&mut failures, "hello", ready_now(f), 200);
        }
        if let Some(f) = handler.call_async(ctx(), request("GET", "/panic")) {
            check(&mut failures, "panic", ready_now(f), 500);
        }
    }
    drop(handler);
    println!("abi_probe: {calls} iterations, {failures} failures");
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
