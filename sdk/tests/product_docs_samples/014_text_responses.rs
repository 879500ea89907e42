//! product docs: Your First Handler / Text Responses — Response::text, plain and with a Content-Type override (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        Response::text(200, "Hello, World!"),

        Response::text(200, "<html><body>Hello</body></html>")
            .with_header("Content-Type", "text/html"),
    ]
}
