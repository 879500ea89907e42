//! product docs: Error Handling / Converting External Errors — map_err of library errors into HandlerError::DatabaseError
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn save_to_database(data: &MyData) -> Result<i64, HandlerError> {
    let conn = get_connection()
        .map_err(|e| HandlerError::DatabaseError(e.to_string()))?;

    let id = conn.insert(data)
        .map_err(|e| HandlerError::DatabaseError(e.to_string()))?;

    Ok(id)
}

// --- stubs for names the product docs sample assumes ---
struct MyData {
    name: String,
}

struct Connection;

impl Connection {
    fn insert(&self, _data: &MyData) -> Result<i64, std::io::Error> {
        Ok(1)
    }
}

fn get_connection() -> Result<Connection, std::io::Error> {
    Ok(Connection)
}
