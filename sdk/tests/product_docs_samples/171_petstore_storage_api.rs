//! product docs: Pet Store Demo / Storage API — the documented Storage signatures, checked as typed lets (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

// The product docs list `call -> Type` pseudo-signatures; each is written as `let _: Type = call;`.
fn sample(storage: &Storage, pet_json: &JsonValue) {
    // Get a record by ID
    let _: Result<Option<JsonValue>, HandlerError> = storage.get("pet-123");

    // List all records (with optional filter)
    let _: Result<Vec<JsonValue>, HandlerError> = storage.list(Some("available"));

    // Create a new record
    let _: Result<(), HandlerError> = storage.create("pet-123", &pet_json);

    // Update an existing record
    let _: Result<(), HandlerError> = storage.update("pet-123", &pet_json);

    // Delete a record
    let _: Result<bool, HandlerError> = storage.delete("pet-123");
}
