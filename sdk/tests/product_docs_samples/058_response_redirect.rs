//! product docs: Response / redirect(status, location) — temporary and permanent redirects (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        Response::redirect(302, "https://example.com/new-location"),
        Response::redirect(301, "/permanent-new-path"),
    ]
}
