// Test handler: the Context storage API on a MinIO service bound as "files".
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Result<Response, HandlerError> {
    let s = ctx.storage("files").await?;
    let key = req.query_param("key").cloned().unwrap_or_default();
    let op = req.query_param("op").cloned().unwrap_or_default();
    let out = match op.as_str() {
        "put" => {
            s.put(&key, req.body_bytes()).await?;
            json!({"put": key})
        }
        "get" => match s.get(&key).await? {
            Some(bytes) => return Ok(Response::new(200).with_body(bytes)),
            None => return Err(HandlerError::NotFound),
        },
        "list" => {
            let list = s.list(&key).await?;
            json!({"keys": list.iter().map(|o| o.key.clone()).collect::<Vec<_>>()})
        }
        "delete" => {
            s.delete(&key).await?;
            json!({"deleted": key})
        }
        "presign" => json!({"url": s.presigned_url(&key, 300).await?}),
        _ => return Err(HandlerError::BadRequest(format!("unknown op '{op}'"))),
    };
    Ok(Response::ok(out))
}
