//! product docs: Database Service / Working with Results — iterating DbResult rows and serializing them (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(db: &DbPool) -> Result<Response, HandlerError> {
    Ok({
        let result = db.query("SELECT id, name, email FROM users", &[])?;

        // result.rows is Vec<HashMap<String, Value>>
        for row in &result.rows {
            let id = row.get("id");
            let name = row.get("name");
            println!("User: {:?} - {:?}", id, name);
        }

        // Or serialize the whole result
        Response::ok(json!({
            "users": result.rows,
            "count": result.rows.len(),
        }))
    })
}
