//! product docs: Email (SMTP) Service / Send a Simple Email — EmailPool::send
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn handle(req: Request) -> Response {
    let email = EmailPool { pool_id: "notifications".to_string() };

    let result = email.send(
        "user@example.com",
        "Welcome!",
        "Thanks for signing up.",
    );

    match result {
        Ok(()) => Response::ok(json!({"sent": true})),
        Err(e) => Response::internal_error(e.to_string()),
    }
}
