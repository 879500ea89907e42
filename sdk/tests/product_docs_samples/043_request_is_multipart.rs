//! product docs: Request / is_multipart() — parse multipart only for multipart/form-data requests (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(req: &Request) -> Result<(), HandlerError> {
    if req.is_multipart() {
        let multipart = req.multipart()?;
    }
    Ok(())
}
