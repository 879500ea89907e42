//! product docs: Storage Abstraction / Update Record — storage.update with a json! value (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(storage: &Storage) -> Result<(), HandlerError> {
    let updated = json!({
        "name": "Widget Pro",
        "price": 39.99,
        "in_stock": true
    });

    storage.update("item-001", &updated)?;
    Ok(())
}
