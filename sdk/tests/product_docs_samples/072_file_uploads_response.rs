//! product docs: Response / File Uploads Response — multipart upload answered with 201 and file metadata
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn handle_upload(req: Request) -> Result<Response, HandlerError> {
    let multipart = req.multipart()?;
    let file = multipart.require_file("document")?;

    // Process file...
    let saved_id = save_to_storage(&file.data)?;

    Ok(Response::created(json!({
        "id": saved_id,
        "filename": file.filename,
        "size": file.data.len(),
        "content_type": file.content_type
    })))
}

// --- stubs for names the product docs sample assumes ---
fn save_to_storage(_data: &[u8]) -> Result<String, HandlerError> {
    Ok("file-001".to_string())
}
