//! The host side of the handler ABI: the [`HOST_VTABLE`] every library receives.
//!
//! Each function here is called from handler code, so none may unwind: a panic crossing
//! back into the library would abort the process. Every entry catches its own panics and
//! turns them into a fault or a log line.

mod bridge;
mod hub;
mod log;
mod timer;
mod vars;

pub use bridge::{
    connect_services, connect_services_direct, mark_worker_thread, set_immediate, DirectSink,
    Immediate, ReplyTo, ServiceRequest,
};
pub use hub::serve_calls_from;
pub use log::{set_log_sink, LogSink};
pub use vars::set_vars;

use rust_edge_gateway_sdk::abi::HostVTable;

/// The function table passed to every handler library by `gw_init`.
pub static HOST_VTABLE: HostVTable = HostVTable {
    call: bridge::call,
    call_blocking: bridge::call_blocking,
    sleep: timer::sleep,
    log: log::log,
    var: vars::var,
};
