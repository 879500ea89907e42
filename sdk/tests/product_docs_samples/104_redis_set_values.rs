//! product docs: Redis Service / Set Values — RedisPool set and setex (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(redis: &RedisPool) -> Result<(), HandlerError> {
    // Set without expiration
    redis.set("key", "value")?;

    // Set with expiration (seconds)
    redis.setex("session:abc123", &session_data, 3600)?; // 1 hour
    redis.setex("rate:user:123", "1", 60)?; // 1 minute
    Ok(())
}

// --- stubs for names the product docs sample assumes ---
#[allow(non_upper_case_globals)]
const session_data: &str = r#"{"user_id":"123","created_at":"2024-01-15T10:30:00Z"}"#;
