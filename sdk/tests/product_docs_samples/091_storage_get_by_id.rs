//! product docs: Storage Abstraction / Get by ID — matching on storage.get(id) (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() {
    let storage = Storage::database("pool", "users");

    match storage.get("user-123") {
        Ok(Some(user)) => {
            // user is a JsonValue
            println!("Found: {}", user["name"]);
        }
        Ok(None) => {
            println!("Not found");
        }
        Err(e) => {
            eprintln!("Error: {}", e);
        }
    }
}
