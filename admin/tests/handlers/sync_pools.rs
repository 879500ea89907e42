// Test handler: the v1 API's synchronous clients (RedisPool, DbPool) from a synchronous handler.
use rust_edge_gateway_sdk::prelude::*;

fn handle(req: Request) -> Response {
    let redis = RedisPool { pool_id: "kv".to_string() };
    let db = DbPool { pool_id: "db".to_string() };
    let key = req.query_param("key").cloned().unwrap_or_else(|| "gw:sync".into());
    if let Err(e) = redis.setex(&key, "from-sync", 60) {
        return e.to_response();
    }
    let cached = match redis.get(&key) {
        Ok(v) => v,
        Err(e) => return e.to_response(),
    };
    let rows = match db.query("SELECT 1 + 1 AS two", &[]) {
        Ok(r) => r.rows,
        Err(e) => return e.to_response(),
    };
    Response::ok(json!({"cached": cached, "rows": rows}))
}

handler_loop!(handle);
