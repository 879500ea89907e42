//! product docs: Storage Abstraction / Delete Record — matching on the bool returned by storage.delete (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(storage: &Storage) -> Result<(), HandlerError> {
    match storage.delete("item-001")? {
        true => println!("Deleted"),
        false => println!("Not found"),
    }
    Ok(())
}
