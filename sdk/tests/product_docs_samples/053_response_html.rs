//! product docs: Response / html(status, body) — an HTML response (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Response {
    Response::html(200, "<html><body><h1>Hello!</h1></body></html>")
}
