//! Service calls cross the bridge to the control side and back: an async handler awaits a
//! host future completed by another OS thread (a cross-thread wake on the monoio worker),
//! and a blocking handler waits for the same answer from the pool. The responder here
//! stands in for the control side's dispatcher and answers with fixed data; the real
//! service actors and their backends are tested where they are built.

use std::thread;
use std::time::Duration;

use rust_edge_gateway_dataplane::blocking::BlockingPool;
use rust_edge_gateway_dataplane::host::{connect_services, ServiceRequest};
use rust_edge_gateway_sdk::abi::host::{ServiceOp, ServiceValue, SqlValue};
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::{ctx, json, request, run, Store};

fn start_responder() {
    let (tx, rx) = crossbeam_channel::bounded::<ServiceRequest>(64);
    assert!(connect_services(tx), "bridge connected once");
    thread::Builder::new()
        .name("responder".into())
        .spawn(move || {
            for req in rx {
                thread::sleep(Duration::from_millis(5)); // the reply comes later, from this thread
                let answer = match (&req.call.service[..], &req.call.op) {
                    ("main-db", ServiceOp::Resolve(_)) => Ok(ServiceValue::Unit),
                    ("main-db", ServiceOp::DbQuery { params, .. }) => Ok(ServiceValue::Rows {
                        columns: vec!["one".into(), "params".into()],
                        rows: vec![vec![SqlValue::Int(1), SqlValue::Int(params.len() as i64)]],
                    }),
                    _ => Err(rust_edge_gateway_sdk::abi::host::ServiceFault {
                        kind: rust_edge_gateway_sdk::abi::host::FaultKind::ServiceNotFound,
                        message: "no such service".into(),
                    }),
                };
                req.reply.send(answer);
            }
        })
        .expect("spawn responder");
}

#[test]
fn async_and_blocking_handlers_get_replies_from_another_thread() {
    start_responder();
    let store = Store::new();
    let lib = store.load(&fixtures().lib("fx_async")).expect("load");
    let resp = run(lib.call_async(ctx(), request("GET", "/db")).expect("async"));
    assert_eq!(
        resp.status,
        200,
        "{:?}",
        String::from_utf8_lossy(resp.body_bytes())
    );
    assert_eq!(
        json(&resp)["rows"],
        serde_json::json!([{"one": 1, "params": 0}])
    );

    let v1 = store
        .load(&fixtures().lib("fx_loop"))
        .expect("load fx_loop");
    let pool = BlockingPool::new(1, 8).expect("pool");
    let resp = run(v1.invoke(ctx(), request("GET", "/users?id=7"), &pool));
    assert_eq!(
        resp.status,
        200,
        "{:?}",
        String::from_utf8_lossy(resp.body_bytes())
    );
    assert_eq!(
        json(&resp)["rows"],
        serde_json::json!([{"one": 1, "params": 1}])
    );
}
