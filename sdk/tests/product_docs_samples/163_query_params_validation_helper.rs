//! product docs: Query Parameters / Validation Helper — reusable pagination parser returning Result<_, Response>
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn parse_pagination(req: &Request) -> Result<(u32, u32), Response> {
    let page: u32 = req.query_param("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);

    if page == 0 {
        return Err(Response::bad_request("Page must be >= 1"));
    }

    let limit: u32 = req.query_param("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(10);

    if limit > 100 {
        return Err(Response::bad_request("Limit must be <= 100"));
    }

    Ok((page, limit))
}

#[handler]
pub async fn handle(_ctx: &Context, req: Request) -> Response {
    let (page, limit) = match parse_pagination(&req) {
        Ok(p) => p,
        Err(response) => return response,
    };

    Response::ok(json!({"page": page, "limit": limit}))
}
