//! product docs: Storage Abstraction / List Records — storage.list with and without a filter (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(storage: &Storage) -> Result<(), HandlerError> {
    // List all
    let all_items = storage.list(None)?;

    // List with filter (interpreted based on backend)
    // For databases: WHERE status = ?
    // For files: filter by filename pattern
    let filtered = storage.list(Some("active"))?;
    Ok(())
}
