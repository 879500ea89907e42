// Test handler: the Context FTP API (FTP, FTPS or SFTP) on a service bound as "remote".
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Result<Response, HandlerError> {
    let ftp = ctx.ftp("remote").await?;
    let path = req.query_param("path").cloned().unwrap_or_default();
    let op = req.query_param("op").cloned().unwrap_or_default();
    let out = match op.as_str() {
        "put" => {
            ftp.put(&path, req.body_bytes()).await?;
            json!({"put": path})
        }
        "get" => return Ok(Response::new(200).with_body(ftp.get(&path).await?)),
        "list" => json!({"names": ftp.list(&path).await?}),
        "delete" => {
            ftp.delete(&path).await?;
            json!({"deleted": path})
        }
        _ => return Err(HandlerError::BadRequest(format!("unknown op '{op}'"))),
    };
    Ok(Response::ok(out))
}
