//! product docs: Response / Common Patterns: RESTful API — the response for each REST verb (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        // GET /items - List items
        Response::ok(json!({"items": items})),

        // GET /items/{id} - Get single item
        Response::ok(item),
        // or
        Response::not_found(),

        // POST /items - Create item
        Response::created(json!({"id": new_id /* , ...item */})),

        // PUT /items/{id} - Update item
        Response::ok(updated_item),

        // DELETE /items/{id} - Delete item
        Response::no_content(),
    ]
}

// --- stubs for names the product docs sample assumes ---
#[derive(Serialize)]
struct Item {
    id: u32,
    name: &'static str,
}

#[allow(non_upper_case_globals)]
const items: &[Item] = &[Item { id: 1, name: "Widget" }, Item { id: 2, name: "Gadget" }];
#[allow(non_upper_case_globals)]
const item: Item = Item { id: 1, name: "Widget" };
#[allow(non_upper_case_globals)]
const new_id: u32 = 3;
#[allow(non_upper_case_globals)]
const updated_item: Item = Item { id: 1, name: "Widget Pro" };
