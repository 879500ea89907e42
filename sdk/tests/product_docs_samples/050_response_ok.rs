//! product docs: Response / ok<T: Serialize>(body: T) — 200 with a json! value or any Serialize struct (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        Response::ok(json!({"message": "Success"})),
        Response::ok(my_struct), // If my_struct implements Serialize
    ]
}

// --- stubs for names the product docs sample assumes ---
#[derive(Serialize)]
struct MyStruct {
    id: u32,
    name: &'static str,
}

#[allow(non_upper_case_globals)]
const my_struct: MyStruct = MyStruct { id: 1, name: "example" };
