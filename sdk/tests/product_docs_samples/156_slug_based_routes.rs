//! product docs: Path Parameters / Slug-based Routes — GET /blog/{slug} via query_one, handler named get_blog_post
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

// GET /blog/{slug}
#[handler]
pub async fn get_blog_post(ctx: &Context, req: Request) -> Result<Response, HandlerError> {
    let slug = req.path_param("slug").unwrap();

    let db = ctx.database("main-db").await?;
    let post = db.query_one("SELECT * FROM posts WHERE slug = $1", &[&slug]).await?;

    Ok(Response::ok(post))
}
