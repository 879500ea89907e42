//! product docs: Error Handling / Use with handler_loop_result! — several `?` conversions in a handler_loop_result! handler
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn handle(req: Request) -> Result<Response, HandlerError> {
    let data: MyInput = req.json()?; // BadRequest on parse failure
    let id: i64 = req.require_path_param("id")?; // BadRequest if missing
    let auth = req.require_header("Authorization")?; // BadRequest if missing

    Ok(Response::ok(json!({"id": id, "data": data})))
}

handler_loop_result!(handle); // Errors auto-convert to HTTP responses

// --- stubs for names the product docs sample assumes ---
#[derive(Serialize, Deserialize)]
struct MyInput {
    name: String,
}
