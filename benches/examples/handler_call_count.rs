//! Deterministic companion of the `handler_call` criterion bench, for machines whose
//! timings are too noisy to resolve tens of nanoseconds (VMs): run N requests through one
//! path so that `valgrind --tool=callgrind` can count instructions per request.
//!
//! `handler_call_count <direct|dylib|request> <N>`; `benches/handler_call_instructions.sh`
//! runs it for every path at two N and prints instructions per call and the ratio.

use std::hint::black_box;
use std::process::ExitCode;

use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{ctx, hello_request, ready_now, Store};

#[allow(dead_code, unused_imports, unreachable_code, unexpected_cfgs)]
#[path = "../../tests/fixtures/handlers/fx_async/src/lib.rs"]
mod fx_async;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: handler_call_count <direct|dylib|request> <N>");
        return ExitCode::from(2);
    };
    let store = Store::new();
    let Ok(lib) = store.load(&fixtures().lib("fx_async")) else {
        eprintln!("cannot load fx_async");
        return ExitCode::FAILURE;
    };
    for _ in 0..n {
        match mode.as_str() {
            "direct" => {
                let c = ctx();
                black_box(ready_now(fx_async::handle(&c, black_box(hello_request()))));
            }
            "dylib" => match lib.call_async(ctx(), black_box(hello_request())) {
                Some(fut) => drop(black_box(ready_now(fut))),
                None => return ExitCode::FAILURE,
            },
            _ => drop(black_box(hello_request())),
        }
    }
    ExitCode::SUCCESS
}
