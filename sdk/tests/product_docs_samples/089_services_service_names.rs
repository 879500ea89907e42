//! product docs: Services / Service Names — services looked up by configured name (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

async fn sample(ctx: &Context) -> Result<(), HandlerError> {
    // These names come from your service configuration
    let main_db = ctx.database("main-db").await?;
    let read_replica = ctx.database("read-replica").await?;
    let session_cache = ctx.cache("sessions").await?;
    let file_storage = ctx.storage("uploads").await?;
    Ok(())
}
