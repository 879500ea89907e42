//! product docs: Database Service / Basic Query — sync DbPool query with a parameter, rows returned as JSON
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn handle(req: Request) -> Response {
    let db = DbPool { pool_id: "main".to_string() };

    let result = db.query("SELECT * FROM users WHERE active = ?", &[&"true"]);

    match result {
        Ok(data) => Response::ok(json!({"users": data.rows})),
        Err(e) => Response::internal_error(e.to_string()),
    }
}
