//! Greets the caller with the endpoint's GREETING variable and counts visits per name in
//! the database bound as `db` (deploy it with
//! `rust-edge-gateway endpoint deploy --path /greet --var GREETING=Hello examples/greeter/src/lib.rs`
//! after binding a SQLite service as `db`). Its tests run with `cargo test` alone.
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Result<Response, HandlerError> {
    let name = req
        .query_param("name")
        .cloned()
        .unwrap_or_else(|| "World".into());
    if name.len() > 64 {
        return Err(HandlerError::BadRequest(
            "name is longer than 64 characters".into(),
        ));
    }
    let greeting = ctx.var("GREETING").unwrap_or_else(|| "Hello".into());
    let db = ctx.database("db").await?;
    db.execute(
        "CREATE TABLE IF NOT EXISTS visits (name TEXT PRIMARY KEY, n INTEGER NOT NULL)",
        &[],
    )
    .await?;
    db.execute(
        "INSERT INTO visits (name, n) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1",
        &[&name],
    )
    .await?;
    let row = db
        .query_one("SELECT n FROM visits WHERE name = $1", &[&name])
        .await?;
    Ok(Response::ok(json!({
        "message": format!("{greeting}, {name}!"),
        "visits": row["n"],
    })))
}
