//! product docs: Storage Abstraction / Create Record — storage.create with a json! value (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(storage: &Storage) -> Result<(), HandlerError> {
    let item = json!({
        "name": "Widget",
        "price": 29.99,
        "in_stock": true
    });

    storage.create("item-001", &item)?;
    Ok(())
}
