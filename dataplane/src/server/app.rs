//! The gateway as a session's [`App`]: routes through the core's snapshot, builds the
//! SDK request, calls the handler library (counted in flight for draining, tagged for the
//! watchdog), and records metrics and the access log.

use std::future::{poll_fn, Future};
use std::net::SocketAddr;
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use rust_edge_gateway_sdk::abi::CallScope;
use rust_edge_gateway_sdk::{Context, Request, Response};

use super::core::CoreState;
use super::session::{App, Call};
use crate::domain_policy;
use crate::host::HOST_VTABLE;
use crate::http::encode::error_response;
use crate::http::head_text::HeadText;
use crate::http::parse::Head;
use crate::registry::Snapshot;
use crate::request::{build, decode_params, Origin};
use crate::router::Lookup;

/// One connection's view of its core.
pub(crate) struct Gateway {
    core: Rc<CoreState>,
    peer: SocketAddr,
    /// The peer's IP as text, formatted once per connection.
    peer_ip: Rc<str>,
    /// `http` or `https`: what `x-forwarded-proto` says to handlers.
    scheme: &'static str,
}

impl Gateway {
    pub fn new(core: Rc<CoreState>, peer: SocketAddr, scheme: &'static str) -> Self {
        Gateway {
            core,
            peer,
            peer_ip: peer.ip().to_string().into(),
            scheme,
        }
    }
}

/// A request id kept on the stack (ids are at most 128 bytes), so echoing it costs no
/// allocation once the request itself went to the handler.
struct RequestId {
    bytes: [u8; 128],
    len: usize,
}

impl RequestId {
    fn set(&mut self, id: &str) {
        let n = id.len().min(self.bytes.len());
        self.bytes[..n].copy_from_slice(&id.as_bytes()[..n]);
        self.len = n;
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

/// A routed request: the snapshot (an `Rc` on this core) keeps the endpoint, its version
/// and library alive for the whole request; no shared reference count is touched.
#[allow(clippy::redundant_allocation)]
pub(crate) struct GatewayCall {
    core: Rc<CoreState>,
    snap: Rc<Arc<Snapshot>>,
    endpoint: usize,
    params: std::collections::HashMap<String, String>,
    peer: SocketAddr,
    peer_ip: Rc<str>,
    scheme: &'static str,
    req: Option<Request>,
    request_id: RequestId,
    /// Only with an access log: method, path and client IP for its line.
    logged: Option<(String, String, String)>,
    /// The domain's `Strict-Transport-Security` value, on HTTPS only.
    hsts: Option<String>,
}

impl App for Gateway {
    type Call = GatewayCall;

    fn route(&self, buf: &[u8], head: &Head) -> Result<GatewayCall, Response> {
        let snap = self.core.snapshot();
        let text = HeadText::new(buf, head);
        // An absolute-form target routes on its own authority (RFC 9112 §3.2.2).
        let host = match head.authority {
            Some(a) => text.get(a),
            None => head
                .host
                .and_then(|i| head.headers.get(i))
                .map_or("", |h| text.get(h.1)),
        };
        let (method, path) = (text.get(head.method), text.get(head.path));
        let policy = snap.policies.get(host);
        let hsts = match policy {
            Some(p) if self.scheme == "http" => {
                if p.https_redirect && !domain_policy::exempt_from_redirect(path) {
                    let to = domain_policy::https_location(
                        host,
                        snap.policies.tls_port(),
                        path,
                        text.get(head.query),
                    );
                    return Err(Response::new(308)
                        .with_header("location", to)
                        .with_body("redirecting to HTTPS\n"));
                }
                None
            }
            Some(p) => p.hsts.clone(),
            None => None,
        };
        let with_hsts = |mut r: Response| {
            if let Some(v) = &hsts {
                r.headers
                    .insert("strict-transport-security".into(), v.clone());
            }
            r
        };
        let found = match snap.router.lookup(host, method, path) {
            Lookup::Found(idx, params) => Ok((*idx, decode_params(params.iter()))),
            other => Err(with_hsts(unrouted(method, path, other))),
        };
        let (endpoint, params) = found?;
        if let Some(ep) = snap.endpoints.get(endpoint) {
            if let Some(reason) = self.core.watchdog.quarantine().refuse(ep.spec.scope) {
                ep.metrics.record(self.core.index, 503, Duration::ZERO);
                return Err(with_hsts(error_response(503, &reason)));
            }
        }
        Ok(GatewayCall {
            core: Rc::clone(&self.core),
            snap,
            endpoint,
            params,
            peer: self.peer,
            peer_ip: Rc::clone(&self.peer_ip),
            scheme: self.scheme,
            req: None,
            request_id: RequestId {
                bytes: [0; 128],
                len: 0,
            },
            logged: None,
            hsts,
        })
    }

    fn draining(&self) -> bool {
        self.core.shutdown.load(Ordering::Relaxed)
    }
}

/// Methods `OPTIONS *` reports: what the gateway can route.
const SERVER_METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

/// The answer to a request no endpoint takes: `OPTIONS *` and OPTIONS on a routed path
/// without an OPTIONS endpoint get 204 with `Allow` (RFC 9110 §9.3.7), other methods on a
/// routed path 405 with `Allow` (§15.5.6), the rest 404.
fn unrouted<T>(method: &str, path: &str, lookup: Lookup<'_, '_, T>) -> Response {
    match lookup {
        _ if method == "OPTIONS" && path == "*" => {
            Response::no_content().with_header("allow", SERVER_METHODS)
        }
        Lookup::MethodNotAllowed(mut allow) if method == "OPTIONS" => {
            allow.push("OPTIONS");
            Response::no_content().with_header("allow", allow.join(", "))
        }
        Lookup::MethodNotAllowed(allow) => {
            error_response(405, "method not allowed").with_header("allow", allow.join(", "))
        }
        _ => error_response(404, "no endpoint matches this request"),
    }
}

impl GatewayCall {
    fn endpoint(&self) -> Option<&crate::registry::Endpoint> {
        self.snap.endpoints.get(self.endpoint).map(|e| &**e)
    }
}

impl Call for GatewayCall {
    fn max_body(&self) -> usize {
        self.endpoint().map_or(0, |e| e.spec.max_body)
    }

    fn timeout(&self) -> Duration {
        self.endpoint()
            .map_or(Duration::from_secs(1), |e| e.spec.timeout)
    }

    fn prepare(&mut self, buf: &[u8], head: &Head, body: Vec<u8>) {
        let core = &self.core;
        let new_id = || core.next_request_id();
        let origin = Origin {
            peer: self.peer,
            peer_ip: &self.peer_ip,
            trusted: &core.config.trusted_proxies,
            scheme: self.scheme,
            new_id: &new_id,
        };
        // The head is checked for UTF-8 again here (route did it once): reading the body in
        // between may have moved the buffer, so route's view of it cannot be kept.
        let text = HeadText::new(buf, head);
        let req = build(&text, head, std::mem::take(&mut self.params), body, &origin);
        self.request_id.set(&req.request_id);
        if core.access.is_some() {
            self.logged = Some((
                text.get(head.method).to_owned(),
                text.get(head.path).to_owned(),
                req.client_ip.clone().unwrap_or_default(),
            ));
        }
        self.req = Some(req);
    }

    fn request_id(&self) -> &str {
        self.request_id.as_str()
    }

    fn call(&mut self) -> impl Future<Output = Response> + '_ {
        let req = self.req.take();
        let core = &self.core;
        let endpoint = self.snap.endpoints.get(self.endpoint);
        let hsts = self.hsts.take();
        async move {
            let mut resp = async move {
                let (Some(req), Some(endpoint)) = (req, endpoint) else {
                    return error_response(500, "request was not prepared");
                };
                // The in-flight guard feeds draining.
                let _inflight = endpoint.version.enter(core.index);
                let ctx = Context::__from_scope(CallScope {
                    host: &HOST_VTABLE,
                    scope: endpoint.spec.scope,
                });
                let mut call = pin!(endpoint.version.lib.invoke_borrowed(ctx, req, &core.pool));
                // Tell the watchdog which endpoint this worker is polling, and the crash
                // record which version.
                let polling = &core.heartbeat.polling;
                let (scope, version) = (endpoint.spec.scope, endpoint.spec.version);
                poll_fn(|cx| {
                    polling.store(scope + 1, Ordering::Relaxed);
                    let _call = crate::crash_record::enter(scope, version);
                    let r = call.as_mut().poll(cx);
                    polling.store(0, Ordering::Relaxed);
                    r
                })
                .await
            }
            .await;
            if let Some(v) = hsts {
                let set = resp
                    .headers
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("strict-transport-security"));
                if !set {
                    resp.headers.insert("strict-transport-security".into(), v);
                }
            }
            resp
        }
    }

    fn finish(&mut self, resp: &Response, took: Duration) {
        let Some(endpoint) = self.snap.endpoints.get(self.endpoint) else {
            return;
        };
        endpoint.metrics.record(self.core.index, resp.status, took);
        if let (Some(log), Some((method, path, client_ip))) = (&self.core.access, &self.logged) {
            log.record(&crate::access_log::Entry {
                ts_ms: self.core.deadlines.clock().wall_ms(),
                method,
                path,
                status: resp.status,
                duration_us: u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
                request_id: self.request_id.as_str(),
                client_ip,
                endpoint: &endpoint.spec.id,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::Router;

    fn answer(method: &str, path: &str) -> Response {
        let mut r = Router::new();
        r.insert("*", "GET", "/items", 0usize).expect("route");
        r.insert("*", "POST", "/items", 1usize).expect("route");
        unrouted(method, path, r.lookup("h", method, path))
    }

    fn allow(r: &Response) -> Option<&str> {
        r.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("allow"))
            .map(|(_, v)| v.as_str())
    }

    /// RFC 9110 §9.3.7: OPTIONS answers 2xx with Allow, for `*` and for a routed path.
    #[test]
    fn options_gets_204_with_allow() {
        let r = answer("OPTIONS", "*");
        assert_eq!((r.status, allow(&r)), (204, Some(SERVER_METHODS)));
        let r = answer("OPTIONS", "/items");
        assert_eq!((r.status, allow(&r)), (204, Some("GET, POST, OPTIONS")));
        let r = answer("DELETE", "/items");
        assert_eq!((r.status, allow(&r)), (405, Some("GET, POST")));
        assert_eq!(answer("OPTIONS", "/nothing").status, 404);
    }
}
