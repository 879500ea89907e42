//! `GET /metrics` on the admin port: Prometheus text format (version 0.0.4).
//!
//! Per endpoint: requests by status class, a latency histogram; the registry's in-flight,
//! draining and swap counts; compile counts and time; per service: calls by outcome, time
//! spent and queue depth. Endpoint counters are kept across versions (a hot swap does not
//! reset them); service counters start again when a service is (re)activated.

use std::fmt::Write as _;
use std::sync::atomic::Ordering::Relaxed;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use super::envelope::ApiError;
use super::AppState;
use crate::store::endpoints::EndpointFilter;
use rust_edge_gateway_dataplane::metrics::BUCKETS;

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn head(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// `GET /metrics`
pub async fn metrics(State(s): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let endpoints = s.store.list_endpoints(&EndpointFilter::default()).await?;
    let registry = s.serving.registry();
    let per_endpoint = registry.metrics();
    let stats = registry.stats();
    let mut out = String::with_capacity(4096);

    let labels = |id: &str| -> String {
        match endpoints.iter().find(|e| e.id == id) {
            Some(e) => format!(
                "endpoint=\"{}\",id=\"{}\",method=\"{}\",path=\"{}\"",
                escape(&e.name),
                escape(id),
                escape(&e.method),
                escape(&e.path)
            ),
            None => format!("endpoint=\"\",id=\"{}\",method=\"\",path=\"\"", escape(id)),
        }
    };

    head(
        &mut out,
        "reg_requests_total",
        "counter",
        "Requests answered by an endpoint's handler, by status class (ok = below 400).",
    );
    for (id, m) in &per_endpoint {
        let l = labels(id);
        let ok = m.ok;
        let _ = writeln!(out, "reg_requests_total{{{l},class=\"ok\"}} {ok}");
        let _ = writeln!(
            out,
            "reg_requests_total{{{l},class=\"4xx\"}} {}",
            m.client_errors
        );
        let _ = writeln!(
            out,
            "reg_requests_total{{{l},class=\"5xx\"}} {}",
            m.server_errors
        );
    }
    head(
        &mut out,
        "reg_request_duration_seconds",
        "histogram",
        "Time from the request head to the response, per endpoint.",
    );
    for (id, m) in &per_endpoint {
        let l = labels(id);
        let mut cumulative = 0;
        for (i, n) in m.buckets.iter().enumerate().take(BUCKETS - 1) {
            cumulative += n;
            let le = f64::from(1u32 << i) / 1e6;
            let _ = writeln!(
                out,
                "reg_request_duration_seconds_bucket{{{l},le=\"{le}\"}} {cumulative}"
            );
        }
        // +Inf and _count from the buckets themselves, so that the histogram stays
        // consistent even when requests were counted between the reads.
        let total: u64 = m.buckets.iter().sum();
        let _ = writeln!(
            out,
            "reg_request_duration_seconds_bucket{{{l},le=\"+Inf\"}} {total}"
        );
        let _ = writeln!(
            out,
            "reg_request_duration_seconds_sum{{{l}}} {}",
            m.latency_us_total as f64 / 1e6
        );
        let _ = writeln!(out, "reg_request_duration_seconds_count{{{l}}} {total}");
    }

    head(
        &mut out,
        "reg_loaded_handlers",
        "gauge",
        "Endpoints with a loaded handler.",
    );
    let _ = writeln!(out, "reg_loaded_handlers {}", stats.loaded_count);
    head(
        &mut out,
        "reg_inflight_requests",
        "gauge",
        "Requests in flight on current handler versions.",
    );
    let _ = writeln!(out, "reg_inflight_requests {}", stats.active_requests);
    head(
        &mut out,
        "reg_draining_versions",
        "gauge",
        "Replaced handler versions still finishing requests.",
    );
    let _ = writeln!(out, "reg_draining_versions {}", stats.draining_count);
    head(
        &mut out,
        "reg_draining_requests",
        "gauge",
        "Requests in flight on draining versions.",
    );
    let _ = writeln!(out, "reg_draining_requests {}", stats.draining_requests);
    head(
        &mut out,
        "reg_swaps_total",
        "counter",
        "Hot swaps: deploys that replaced a running version.",
    );
    let _ = writeln!(out, "reg_swaps_total {}", stats.swaps);

    let quarantine = s.serving.quarantine();
    let watchdog = s.serving.watchdog();
    for (name, kind, help, value) in [
        (
            "reg_quarantines_total",
            "counter",
            "Endpoints quarantined because one of their calls held a worker past the quarantine threshold.",
            quarantine.quarantines(),
        ),
        (
            "reg_quarantined_endpoints",
            "gauge",
            "Endpoints quarantined right now (their requests get 503).",
            quarantine.active() as u64,
        ),
        (
            "reg_quarantine_rejections_total",
            "counter",
            "Requests answered 503 because their endpoint was quarantined.",
            quarantine.rejected(),
        ),
        (
            "reg_worker_stalls_total",
            "counter",
            "Stalls of dataplane workers reported by the watchdog.",
            watchdog.health().iter().map(|h| h.stalls).sum(),
        ),
        (
            "reg_listener_removals_total",
            "counter",
            "Stalled workers taken out of the SO_REUSEPORT group.",
            watchdog.removed_listeners(),
        ),
        (
            "reg_handed_off_connections_total",
            "counter",
            "Connections taken from a stalled worker's accept queue and served by another worker.",
            watchdog.handed_off(),
        ),
        (
            "reg_crash_records_total",
            "counter",
            "Crash records (a fatal signal during a handler call) found at boot.",
            s.restore.crash_records() as u64,
        ),
    ] {
        head(&mut out, name, kind, help);
        let _ = writeln!(out, "{name} {value}");
    }

    let c = s.compiler.stats();
    head(
        &mut out,
        "reg_compiles_total",
        "counter",
        "Handler builds, by result.",
    );
    let _ = writeln!(
        out,
        "reg_compiles_total{{result=\"ok\"}} {}",
        c.succeeded.load(Relaxed)
    );
    let _ = writeln!(
        out,
        "reg_compiles_total{{result=\"error\"}} {}",
        c.failed.load(Relaxed)
    );
    head(
        &mut out,
        "reg_compile_seconds_total",
        "counter",
        "Time spent in handler builds.",
    );
    let _ = writeln!(
        out,
        "reg_compile_seconds_total {}",
        c.total_ms.load(Relaxed) as f64 / 1e3
    );

    let services = s.services.call_stats();
    head(
        &mut out,
        "reg_service_calls_total",
        "counter",
        "Service operations run by an active service's actor, by outcome.",
    );
    for svc in &services {
        let l = format!(
            "service=\"{}\",type=\"{}\"",
            escape(&svc.name),
            escape(&svc.service_type)
        );
        for (result, n) in [
            ("ok", &svc.calls.ok),
            ("unavailable", &svc.calls.unavailable),
            ("timeout", &svc.calls.timeouts),
            ("error", &svc.calls.errors),
        ] {
            let _ = writeln!(
                out,
                "reg_service_calls_total{{{l},result=\"{result}\"}} {}",
                n.load(Relaxed)
            );
        }
    }
    head(
        &mut out,
        "reg_service_call_seconds_total",
        "counter",
        "Time spent in service operations.",
    );
    for svc in &services {
        let _ = writeln!(
            out,
            "reg_service_call_seconds_total{{service=\"{}\",type=\"{}\"}} {}",
            escape(&svc.name),
            escape(&svc.service_type),
            svc.calls.total_us.load(Relaxed) as f64 / 1e6
        );
    }
    head(
        &mut out,
        "reg_service_queue_depth",
        "gauge",
        "Operations waiting in a service actor's queue.",
    );
    for svc in &services {
        let _ = writeln!(
            out,
            "reg_service_queue_depth{{service=\"{}\",type=\"{}\"}} {}",
            escape(&svc.name),
            escape(&svc.service_type),
            svc.queued
        );
    }
    let p = s.protections.snapshot();
    head(
        &mut out,
        "reg_deadline_closes_total",
        "counter",
        "Connections closed by a deadline: no first byte in time, an incomplete head (408), a body past its deadline and rate (408), an idle keep-alive connection.",
    );
    for (deadline, n) in [
        ("first_byte", p.first_byte_timeouts),
        ("head", p.head_timeouts),
        ("body", p.body_timeouts),
        ("keepalive", p.keepalive_timeouts),
    ] {
        let _ = writeln!(
            out,
            "reg_deadline_closes_total{{deadline=\"{deadline}\"}} {n}"
        );
    }
    head(
        &mut out,
        "reg_body_too_large_total",
        "counter",
        "Requests answered 413: a body above the endpoint's max_body_bytes (or the per-worker buffer cap).",
    );
    let _ = writeln!(out, "reg_body_too_large_total {}", p.body_too_large);
    head(
        &mut out,
        "reg_buffer_full_total",
        "counter",
        "Requests answered 503 with Retry-After: their worker's buffered request bytes were at the cap.",
    );
    let _ = writeln!(out, "reg_buffer_full_total {}", p.buffer_full);
    head(
        &mut out,
        "reg_connections_refused_total",
        "counter",
        "Connections closed at accept: the client IP at its cap, or the worker at its connection cap.",
    );
    let _ = writeln!(
        out,
        "reg_connections_refused_total{{reason=\"per_ip\"}} {}",
        p.refused_per_ip
    );
    let _ = writeln!(
        out,
        "reg_connections_refused_total{{reason=\"per_worker\"}} {}",
        p.refused_per_worker
    );
    head(
        &mut out,
        "reg_uptime_seconds",
        "gauge",
        "Seconds since the gateway started.",
    );
    let _ = writeln!(out, "reg_uptime_seconds {}", s.started.elapsed().as_secs());
    head(
        &mut out,
        "reg_build_info",
        "gauge",
        "The gateway's version.",
    );
    let _ = writeln!(
        out,
        "reg_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );

    tls(&mut out, &s);

    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    ))
}

/// Handshakes by result, version and ALPN; seconds until each certificate expires.
fn tls(out: &mut String, s: &AppState) {
    let m = &s.tls_metrics;
    head(
        out,
        "reg_tls_handshakes_total",
        "counter",
        "TLS handshakes by result (ok, timeout, io, no_certificate, protocol).",
    );
    for (result, n) in m.results() {
        let _ = writeln!(out, "reg_tls_handshakes_total{{result=\"{result}\"}} {n}");
    }
    head(
        out,
        "reg_tls_handshakes_by_version_total",
        "counter",
        "Completed TLS handshakes by negotiated version.",
    );
    for (version, n) in m.versions() {
        let _ = writeln!(
            out,
            "reg_tls_handshakes_by_version_total{{version=\"{version}\"}} {n}"
        );
    }
    head(
        out,
        "reg_tls_handshakes_by_alpn_total",
        "counter",
        "Completed TLS handshakes by negotiated ALPN protocol.",
    );
    for (alpn, n) in m.alpn() {
        let _ = writeln!(
            out,
            "reg_tls_handshakes_by_alpn_total{{alpn=\"{alpn}\"}} {n}"
        );
    }
    head(
        out,
        "reg_tls_resumed_total",
        "counter",
        "Completed TLS handshakes that resumed a session.",
    );
    let _ = writeln!(out, "reg_tls_resumed_total {}", m.resumed());
    head(
        out,
        "reg_tls_certificate_expiry_seconds",
        "gauge",
        "Seconds until a certificate's not_after (negative once expired).",
    );
    let now = chrono::Utc::now().timestamp();
    for c in s.certificates.list() {
        let _ = writeln!(
            out,
            "reg_tls_certificate_expiry_seconds{{id=\"{}\",names=\"{}\"}} {}",
            escape(&c.id),
            escape(&c.names.join(",")),
            c.not_after_unix() - now
        );
    }
}
