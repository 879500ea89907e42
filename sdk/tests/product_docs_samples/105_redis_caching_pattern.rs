//! product docs: Redis Service / Caching Pattern — RedisPool cache-aside in front of a DbPool query
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn handle(req: Request) -> Response {
    let redis = RedisPool { pool_id: "cache".to_string() };
    let db = DbPool { pool_id: "main".to_string() };

    let user_id = req.path_param("id").unwrap();
    let cache_key = format!("user:{}", user_id);

    // Try cache first
    if let Ok(Some(cached)) = redis.get(&cache_key) {
        return Response::ok(json!({
            "source": "cache",
            "user": serde_json::from_str::<JsonValue>(&cached).unwrap()
        }));
    }

    // Cache miss - fetch from database
    let result = match db.query("SELECT * FROM users WHERE id = ?", &[user_id]) {
        Ok(result) => result,
        Err(e) => return e.to_response(),
    };

    if let Some(user) = result.rows.first() {
        // Cache for 5 minutes
        let user_json = serde_json::to_string(user).unwrap();
        let _ = redis.setex(&cache_key, &user_json, 300);

        return Response::ok(json!({
            "source": "database",
            "user": user
        }));
    }

    Response::not_found()
}
