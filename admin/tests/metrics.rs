//! `GET /metrics` parses as Prometheus text and its counters move with traffic, swaps,
//! compiles and service calls.

mod support;

use prometheus_parse::{Scrape, Value};
use serde_json::json;
use support::{versioned_code, Gateway};

fn scrape(gw: &Gateway) -> Scrape {
    let r = rust_edge_gateway_tests::http::Conn::open(gw.admin)
        .send(
            format!(
                "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n{}Connection: close\r\n\r\n",
                gw.auth()
            )
            .as_bytes(),
        )
        .reply()
        .expect("metrics");
    assert_eq!(r.status, 200);
    let ct = r.header("content-type").unwrap_or_default().to_string();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    let text = String::from_utf8(r.body).expect("utf-8");
    Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("Prometheus text format")
}

/// The value of the sample named `name` whose labels include all of `labels`.
fn value(s: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    let found: Vec<f64> = s
        .samples
        .iter()
        .filter(|x| x.metric == name && labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v)))
        .map(|x| match &x.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(_) | Value::Summary(_) => f64::NAN,
        })
        .collect();
    assert_eq!(found.len(), 1, "{name} {labels:?}: {found:?}");
    found[0]
}

#[test]
fn metrics_move_with_traffic_swaps_compiles_and_service_calls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let ep = gw.create("hello", "GET", "/hello", Some(&versioned_code(1)));
    gw.deploy(&ep);
    let before = scrape(&gw);
    let ok = |s: &Scrape| {
        value(
            s,
            "reg_requests_total",
            &[("endpoint", "hello"), ("class", "ok")],
        )
    };
    let base = ok(&before);
    for _ in 0..7 {
        assert_eq!(gw.get("/hello").status, 200);
    }
    let after = scrape(&gw);
    assert_eq!(ok(&after) - base, 7.0, "ok requests counted");
    assert_eq!(
        value(
            &after,
            "reg_requests_total",
            &[("endpoint", "hello"), ("class", "5xx")]
        ),
        0.0
    );
    let count = value(
        &after,
        "reg_request_duration_seconds_count",
        &[("endpoint", "hello")],
    );
    assert_eq!(count, ok(&after), "histogram count = requests");
    assert!(value(&after, "reg_compiles_total", &[("result", "ok")]) >= 1.0);
    assert!(value(&after, "reg_compile_seconds_total", &[]) > 0.0);
    assert_eq!(value(&after, "reg_loaded_handlers", &[]), 1.0);
    assert_eq!(value(&after, "reg_swaps_total", &[]), 0.0);

    // A hot swap counts; the endpoint's counters survive it.
    let (s, _) = gw.api(
        "PUT",
        &format!("/endpoints/{ep}"),
        Some(json!({"code": versioned_code(2)})),
    );
    assert_eq!(s, 200);
    gw.deploy(&ep);
    let swapped = scrape(&gw);
    assert_eq!(value(&swapped, "reg_swaps_total", &[]), 1.0);
    assert_eq!(ok(&swapped), ok(&after), "kept across versions");

    // Service calls, by outcome.
    let svc = gw.service("lite", "sqlite", json!({"path": "m.db"}));
    gw.activate(&svc);
    gw.handler("/db", include_str!("handlers/database.rs"), &[(&svc, "db")]);
    assert_eq!(gw.get_json("/db?op=setup").0, 200);
    assert_eq!(gw.get_json("/db?op=bad-sql").0, 500);
    let s = scrape(&gw);
    assert_eq!(
        value(
            &s,
            "reg_service_calls_total",
            &[("service", "lite"), ("result", "ok")]
        ),
        2.0
    );
    assert_eq!(
        value(
            &s,
            "reg_service_calls_total",
            &[("service", "lite"), ("result", "error")]
        ),
        1.0
    );
    assert_eq!(
        value(&s, "reg_service_queue_depth", &[("service", "lite")]),
        0.0
    );
    assert_eq!(
        value(
            &s,
            "reg_requests_total",
            &[("endpoint", "db"), ("class", "5xx")]
        ),
        1.0
    );
}

#[test]
fn metrics_need_the_admin_token_when_one_is_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &["--admin-token", "s3cret"]);
    let r = rust_edge_gateway_tests::http::Conn::open(gw.admin)
        .send(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .reply()
        .expect("metrics");
    assert_eq!(r.status, 401);
    let r = rust_edge_gateway_tests::http::Conn::open(gw.admin)
        .send(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer s3cret\r\nConnection: close\r\n\r\n")
        .reply()
        .expect("metrics");
    assert_eq!(r.status, 200);
}
