//! product docs: Response / Serving Files — binary image response with cache and Content-Disposition headers
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn serve_image(req: Request) -> Result<Response, HandlerError> {
    let id = req.require_path_param::<String>("id")?;
    let image_data = load_image(&id)?;

    Ok(Response::binary(200, image_data, "image/png")
        .with_cache(86400) // Cache for 1 day
        .with_header("Content-Disposition", format!("inline; filename=\"{}.png\"", id)))
}

// --- stubs for names the product docs sample assumes ---
fn load_image(_id: &str) -> Result<Vec<u8>, HandlerError> {
    Ok(b"\x89PNG\r\n\x1a\n".to_vec())
}
