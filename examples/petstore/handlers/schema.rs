//! Used once by setup.sh on SQL backends: creates the pets table (the same DDL works on
//! SQLite, PostgreSQL and MySQL/MariaDB).
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub fn handle(_req: Request) -> Result<Response, HandlerError> {
    let db = DbPool { pool_id: "petstore".to_string() };
    db.execute(
        "CREATE TABLE IF NOT EXISTS pets (
            id VARCHAR(64) PRIMARY KEY,
            name VARCHAR(100) NOT NULL,
            category VARCHAR(100),
            tags TEXT,
            status VARCHAR(20) NOT NULL DEFAULT 'available',
            created_at VARCHAR(40) NOT NULL,
            updated_at VARCHAR(40) NOT NULL
        )",
        &[],
    )?;
    db.execute("CREATE INDEX IF NOT EXISTS idx_pets_status ON pets(status)", &[])?;
    Ok(Response::ok(json!({ "schema": "ready" })))
}
