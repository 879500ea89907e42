//! Router lookup with 10,000 routes (goal: at most 200 ns), against a baseline measured in
//! the same run: one `HashMap<String, usize>` lookup of the whole path, the least any
//! router can do for a static route (and which cannot match `{params}` at all).

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rust_edge_gateway_dataplane::router::{Lookup, Router};

/// 10,000 routes: 100 resources x (list, item, 2 nested collections and their items, and
/// 94 static admin-style paths spread over the resources).
fn routes() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in 0..100 {
        out.push(("GET".into(), format!("/api/v1/res{r}")));
        out.push(("GET".into(), format!("/api/v1/res{r}/{{id}}")));
        out.push(("GET".into(), format!("/api/v1/res{r}/{{id}}/items")));
        out.push((
            "GET".into(),
            format!("/api/v1/res{r}/{{id}}/items/{{item_id}}"),
        ));
        out.push(("GET".into(), format!("/api/v1/res{r}/{{id}}/tags")));
        out.push(("GET".into(), format!("/api/v1/res{r}/{{id}}/tags/{{tag}}")));
        for s in 0..94 {
            out.push(("GET".into(), format!("/static/area{r}/page{s}")));
        }
    }
    out
}

fn router_lookup(c: &mut Criterion) {
    let routes = routes();
    assert_eq!(routes.len(), 10_000);
    let mut router = Router::new();
    let mut exact: HashMap<String, usize> = HashMap::new();
    for (i, (m, p)) in routes.iter().enumerate() {
        router.insert("*", m, p, i).expect("insert");
        exact.insert(p.clone(), i);
    }
    let static_path = "/static/area57/page42";
    let param_path = "/api/v1/res57/12345/items/678";
    assert!(matches!(
        router.lookup("localhost:9080", "GET", static_path),
        Lookup::Found(..)
    ));
    match router.lookup("localhost:9080", "GET", param_path) {
        Lookup::Found(_, p) => assert_eq!(p.len(), 2),
        other => panic!("{other:?}"),
    }

    let mut g = c.benchmark_group("router_10k");
    g.bench_function("baseline_hashmap_exact", |b| {
        b.iter(|| black_box(exact.get(black_box(static_path))))
    });
    g.bench_function("static", |b| {
        b.iter(|| {
            matches!(
                router.lookup(black_box("localhost:9080"), "GET", black_box(static_path)),
                Lookup::Found(..)
            )
        })
    });
    g.bench_function("params", |b| {
        b.iter(|| {
            matches!(
                router.lookup(black_box("localhost:9080"), "GET", black_box(param_path)),
                Lookup::Found(..)
            )
        })
    });
    g.bench_function("not_found", |b| {
        b.iter(|| {
            matches!(
                router.lookup(
                    black_box("localhost:9080"),
                    "GET",
                    black_box("/api/v1/nope/1/2/3")
                ),
                Lookup::NotFound
            )
        })
    });
    g.finish();
}

criterion_group!(benches, router_lookup);
criterion_main!(benches);
