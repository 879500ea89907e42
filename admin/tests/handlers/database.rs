// Test handler: the Context database API on a service bound as pool_id "db".
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Result<Response, HandlerError> {
    let db = ctx.database("db").await?;
    let op = req.query_param("op").cloned().unwrap_or_default();
    let t = "gw_items";
    match op.as_str() {
        "setup" => {
            db.execute(&format!("DROP TABLE IF EXISTS {t}"), &[]).await?;
            db.execute(
                &format!("CREATE TABLE {t} (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, active BOOLEAN NOT NULL, price DOUBLE PRECISION, note TEXT)"),
                &[],
            )
            .await?;
            Ok(Response::ok(json!({"setup": true})))
        }
        "insert" => {
            let id: i64 = req.query_param_as("id").unwrap_or(1);
            let name = req.query_param("name").cloned().unwrap_or_default();
            let active = req.query_param("active").map(|a| a == "true").unwrap_or(true);
            let n = db
                .execute(
                    &format!("INSERT INTO {t} (id, name, active, price, note) VALUES ($1, $2, $3, $4, $5)"),
                    &[&id, &name, &active, &9.5, &None::<String>],
                )
                .await?;
            Ok(Response::created(json!({"inserted": n})))
        }
        "get" => {
            // A text parameter for an integer column, with `?` placeholders.
            let id = req.query_param("id").cloned().unwrap_or_default();
            let row = db
                .query_one(&format!("SELECT id, name, active, price, note FROM {t} WHERE id = ?"), &[&id])
                .await?;
            Ok(Response::ok(row))
        }
        "list" => {
            let rows = db
                .query(&format!("SELECT id, name FROM {t} WHERE active = $1 ORDER BY id"), &[&true])
                .await?;
            Ok(Response::ok(json!({"rows": rows})))
        }
        "rename" => {
            // Parameters in another order than they appear.
            let n = db
                .execute(&format!("UPDATE {t} SET name = $2 WHERE id = $1"), &[&1_i64, &"renamed"])
                .await?;
            Ok(Response::ok(json!({"updated": n})))
        }
        "bad-sql" => {
            db.query("SELECT * FROM no_such_table_here", &[]).await?;
            Ok(Response::ok(json!({})))
        }
        _ => Err(HandlerError::BadRequest(format!("unknown op '{op}'"))),
    }
}
