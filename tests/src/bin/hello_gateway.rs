//! The dataplane serving one handler library, for load tests and the SIGTERM test.
//!
//! `hello_gateway [--addr 127.0.0.1:9080] [--workers N] [--handler lib.so] [--route [METHOD ]/hello]
//! [--uring default|defer-taskrun|coop-taskrun] [--access-log FILE]`
//! Without `--handler` it builds and serves the `fx_async` test fixture. A route is GET
//! unless its value names a method first (`--route "POST /json"`). Prints
//! `listening on ADDR` once ready; SIGTERM or SIGINT drains in-flight requests and exits 0.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use rust_edge_gateway_dataplane::registry::EndpointSpec;
use rust_edge_gateway_dataplane::{Dataplane, DataplaneConfig, UringSetup};
use rust_edge_gateway_tests::fixtures::fixtures;
use rust_edge_gateway_tests::harness::Store;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut addr = "127.0.0.1:9080".to_string();
    let mut workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut handler: Option<PathBuf> = None;
    let mut routes: Vec<String> = Vec::new();
    let mut uring = UringSetup::DeferTaskrun;
    let mut access_log: Option<PathBuf> = None;
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--addr" => addr = value,
            "--workers" => workers = value.parse().unwrap_or(workers),
            "--handler" => handler = Some(PathBuf::from(value)),
            "--route" => routes.push(value),
            "--uring" => uring = UringSetup::parse(&value).unwrap_or(uring),
            "--access-log" => access_log = Some(PathBuf::from(value)),
            _ => {
                eprintln!("usage: hello_gateway [--addr A] [--workers N] [--handler lib.so] [--route /path]...");
                return ExitCode::from(2);
            }
        }
    }
    if routes.is_empty() {
        routes = vec!["/hello".into(), "/sleep".into(), "/p/{id}".into()];
    }
    let Ok(addr) = addr.parse() else {
        eprintln!("invalid --addr");
        return ExitCode::from(2);
    };
    let mut config = DataplaneConfig::new(addr)
        .workers(workers)
        .uring_setup(uring)
        .drain_timeout(Duration::from_secs(10));
    if let Some(p) = access_log {
        config = config.access_log(p);
    }
    let dp = match Dataplane::start(config) {
        Ok(dp) => dp,
        Err(e) => {
            eprintln!("hello_gateway: {e}");
            return ExitCode::FAILURE;
        }
    };
    let store = Store::new();
    let lib_path = handler.unwrap_or_else(|| fixtures().lib("fx_async"));
    for (i, route) in routes.iter().enumerate() {
        let (method, path) = route.split_once(' ').unwrap_or(("GET", route));
        let lib = match store.load(&lib_path) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("hello_gateway: {e}");
                return ExitCode::FAILURE;
            }
        };
        let spec = EndpointSpec {
            id: format!("route-{i}"),
            domain: "*".into(),
            method: method.into(),
            path: path.into(),
            max_body: 1 << 20,
            timeout: Duration::from_secs(30),
            scope: 0,
            version: 1,
        };
        if let Err(e) = dp.registry().deploy(spec, lib) {
            eprintln!("hello_gateway: {e}");
            return ExitCode::FAILURE;
        }
    }
    println!("listening on {}", dp.local_addr());
    let _ = std::io::stdout().flush();
    match dp.run_until_signal() {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hello_gateway: {e}");
            ExitCode::FAILURE
        }
    }
}
