// Test handler: the Context cache API (pool_id "kv") and the product docs' RedisPool.
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Result<Response, HandlerError> {
    let cache = ctx.cache("kv").await?;
    let key = req.query_param("key").cloned().unwrap_or_else(|| "gw:key".into());
    let op = req.query_param("op").cloned().unwrap_or_default();
    let out = match op.as_str() {
        "set" => {
            let ttl: u64 = req.query_param_as("ttl").unwrap_or(0);
            cache.set(&key, &json!({"hello": "cache"}), ttl).await?;
            json!({"set": key})
        }
        "get" => json!({"value": cache.get(&key).await?}),
        "exists" => json!({"exists": cache.exists(&key).await?}),
        "delete" => json!({"deleted": cache.delete(&key).await?}),
        "incr" => json!({"value": cache.incr(&key).await?}),
        "decr" => json!({"value": cache.decr(&key).await?}),
        _ => return Err(HandlerError::BadRequest(format!("unknown op '{op}'"))),
    };
    Ok(Response::ok(out))
}
