//! product docs: Context API / Storage Access — storage put/get/list/delete/presigned_url
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Result<Response, HandlerError> {
    let storage = ctx.storage("s3").await?;

    // Upload file
    let data = req.body_bytes();
    storage.put("uploads/file.txt", data).await?;

    // Download file
    let content = storage.get("config/settings.json").await?;

    // List files
    let files = storage.list("uploads/").await?;

    // Delete file
    storage.delete("uploads/old-file.txt").await?;

    // Get signed URL (for direct client access)
    let url = storage.presigned_url("uploads/file.txt", 3600).await?;

    Ok(Response::ok(json!({"url": url})))
}
