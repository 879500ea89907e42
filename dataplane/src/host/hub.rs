//! The one place handler service calls are wired to a [`ServiceHub`] directly from the
//! calling worker: name resolutions answered on the spot, every other call queued on the
//! service's actor with the reply sent straight back (the gateway, the benchmarks and the
//! handler test harness all use it).

use rust_edge_gateway_services::ServiceHub;

use super::{connect_services_direct, set_immediate, ServiceRequest};

/// Serves the dataplane's service calls from `hub`; false when a sink was connected before.
pub fn serve_calls_from(hub: &ServiceHub) -> bool {
    let answering = hub.clone();
    set_immediate(Box::new(move |scope, call| {
        answering.answer_now(scope, call)
    }));
    let submitting = hub.clone();
    connect_services_direct(Box::new(move |req: ServiceRequest| {
        let reply = req.reply;
        submitting.submit(req.scope, req.call, Box::new(move |r| reply.send(r)));
    }))
}
