//! product docs: Path Parameters / Resource by ID — GET /users/{id} via query_one, handler named get_user
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

// GET /users/{id}
#[handler]
pub async fn get_user(ctx: &Context, req: Request) -> Result<Response, HandlerError> {
    let id = req.path_param("id").unwrap();

    let db = ctx.database("main-db").await?;
    let user = db.query_one("SELECT * FROM users WHERE id = $1", &[&id]).await?;

    Ok(Response::ok(user))
}
