//! product docs: Request / is_json() — parse the body only when the content type is JSON (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(req: &Request) -> Result<(), HandlerError> {
    if req.is_json() {
        let data: MyStruct = req.json()?;
    }
    Ok(())
}

// --- stubs for names the product docs sample assumes ---
#[derive(Deserialize)]
struct MyStruct {
    name: String,
}
