//! product docs: Redis Service / Error Handling — matching RedisError / ServiceUnavailable from RedisPool::get (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(redis: &RedisPool) {
    match redis.get("key") {
        Ok(Some(value)) => { /* use value */ }
        Ok(None) => { /* key doesn't exist */ }
        Err(HandlerError::RedisError(msg)) => {
            eprintln!("Redis error: {}", msg);
            // Fallback behavior
        }
        Err(HandlerError::ServiceUnavailable(_)) => {
            // Redis is down - decide on fallback
        }
        Err(e) => { /* other error */ }
    }
}
