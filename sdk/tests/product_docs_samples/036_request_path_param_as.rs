//! product docs: Request / path_param_as<T>(key) — typed path parameters (i64 and uuid::Uuid) (fragment)
//! deps: uuid
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;
use uuid::Uuid;

fn sample(req: &Request) -> Result<(), HandlerError> {
    // Route: /users/{id}
    let user_id: i64 = req.path_param_as("id").unwrap_or(0);
    let uuid: Uuid = req.path_param_as("id").ok_or(HandlerError::BadRequest("Invalid UUID".into()))?;
    Ok(())
}
