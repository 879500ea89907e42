//! product docs: Database Service / Query with Parameters — parameterized DbPool query vs string concatenation (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(db: &DbPool) -> Result<DbResult, HandlerError> {
    // GOOD - parameterized
    db.query("SELECT * FROM users WHERE id = ?", &[&user_id])

    // BAD - string concatenation (SQL injection risk!)
    // db.query(&format!("SELECT * FROM users WHERE id = {}", user_id), &[])
}

// --- stubs for names the product docs sample assumes ---
#[allow(non_upper_case_globals)]
const user_id: i64 = 123;
