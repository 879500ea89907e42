//! One request through the loaded library against the same function called directly.
//!
//! Both sides run the exact source of `tests/fixtures/handlers/fx_async`: the library
//! path loads its release `.so` like the gateway does; the direct path compiles the same
//! file into this benchmark (the SDK's `embed` feature strips the library exports) and
//! awaits `handle` in-process. Both build a Request, poll once with a no-op waker (the
//! hello route completes without waiting) and drop the Response.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{ctx, hello_request, ready_now, Store};

#[allow(dead_code, unused_imports, unreachable_code, unexpected_cfgs)]
#[path = "../../tests/fixtures/handlers/fx_async/src/lib.rs"]
mod fx_async;

fn handler_call(c: &mut Criterion) {
    let store = Store::new();
    let lib = store
        .load(&fixtures().lib("fx_async"))
        .expect("load fx_async");
    let mut group = c.benchmark_group("handler_call");
    group.bench_function("direct", |b| {
        b.iter(|| {
            let ctx = ctx();
            let resp = ready_now(fx_async::handle(&ctx, black_box(hello_request())));
            assert_eq!(resp.status, 200);
            black_box(resp)
        })
    });
    group.bench_function("dylib", |b| {
        b.iter(|| {
            let Some(fut) = lib.call_async(ctx(), black_box(hello_request())) else {
                panic!("fx_async has an async entry");
            };
            let resp = ready_now(fut);
            assert_eq!(resp.status, 200);
            black_box(resp)
        })
    });
    group.finish();
}

criterion_group!(benches, handler_call);
criterion_main!(benches);
