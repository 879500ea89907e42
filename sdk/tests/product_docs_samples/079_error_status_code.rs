//! product docs: Error Handling / status_code() -> u16 — HTTP status of HandlerError variants (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() {
    let err = HandlerError::NotFound;
    assert_eq!(err.status_code(), 404);

    let err = HandlerError::BadRequest("Invalid input".into());
    assert_eq!(err.status_code(), 400);
}
