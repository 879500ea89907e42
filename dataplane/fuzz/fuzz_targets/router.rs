//! The route table on arbitrary routes and requests: inserting never panics, lookups
//! never panic, and every literal route that went in is found by its own path.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rust_edge_gateway_dataplane::router::{Lookup, Router};

#[derive(Debug, Arbitrary)]
struct Route {
    host: String,
    method: String,
    pattern: String,
}

#[derive(Debug, Arbitrary)]
struct Input {
    routes: Vec<Route>,
    lookups: Vec<(String, String, String)>,
}

fuzz_target!(|input: Input| {
    let mut router = Router::new();
    let mut inserted = Vec::new();
    for (i, r) in input.routes.iter().take(64).enumerate() {
        if router.insert(&r.host, &r.method, &r.pattern, i).is_ok() {
            inserted.push(i);
        }
    }
    for (host, method, path) in input.lookups.iter().take(64) {
        if let Lookup::Found(_, params) = router.lookup(host, method, path) {
            for (name, value) in params.iter() {
                assert!(
                    path.contains(value),
                    "parameter {name}={value:?} is not part of the path {path:?}"
                );
            }
        }
    }
    for i in inserted {
        let r = &input.routes[i];
        let literal = r.pattern.starts_with('/')
            && !r.pattern.contains(['{', '}', '*'])
            && !r.pattern.contains("//")
            && r.pattern.is_ascii();
        let host = r.host.trim().to_ascii_lowercase();
        let plain_host = !host.is_empty()
            && host != "*"
            && !host.starts_with('*')
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if literal && plain_host {
            match router.lookup(&host, &r.method, &r.pattern) {
                Lookup::Found(..) => {}
                other => panic!(
                    "{} {} on {host:?} went in but was not found: {}",
                    r.method,
                    r.pattern,
                    match other {
                        Lookup::MethodNotAllowed(m) => format!("405 {m:?}"),
                        _ => "404".to_string(),
                    }
                ),
            }
        }
    }
});
