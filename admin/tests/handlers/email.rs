// Test handler: the Context email API on a service bound as "mail".
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(ctx: &Context, req: Request) -> Result<Response, HandlerError> {
    let mail = ctx.email("mail").await?;
    let to = req.query_param("to").cloned().unwrap_or_default();
    let subject = req.query_param("subject").cloned().unwrap_or_default();
    match req.query_param("kind").map(String::as_str) {
        Some("html") => mail.send_html(&to, &subject, "<h1>Hello</h1><p>html body</p>").await?,
        Some("from") => {
            mail.send_from("support@example.test", "Support Team", &to, &subject, "custom sender")
                .await?
        }
        _ => mail.send(&to, &subject, "plain body").await?,
    }
    Ok(Response::ok(json!({"sent": true})))
}
