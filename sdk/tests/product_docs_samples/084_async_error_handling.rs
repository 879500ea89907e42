//! product docs: Error Handling / Async Error Handling — async Result handler with map_err, run by handler_loop_async_result!
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

async fn handle(req: Request) -> Result<Response, HandlerError> {
    let data: CreateItem = req.json()?;

    let id = database.insert(&data).await
        .map_err(|e| HandlerError::DatabaseError(e.to_string()))?;

    let uploaded = s3.put_object(&data.file).await
        .map_err(|e| HandlerError::StorageError(e.to_string()))?;

    Ok(Response::created(json!({
        "id": id,
        "file_url": uploaded.url
    })))
}

handler_loop_async_result!(handle);

// --- stubs for names the product docs sample assumes ---
#[derive(Deserialize)]
struct CreateItem {
    name: String,
    file: String,
}

struct Database;

impl Database {
    async fn insert(&self, _item: &CreateItem) -> Result<i64, String> {
        Ok(1)
    }
}

struct ObjectStore;

struct Uploaded {
    url: String,
}

impl ObjectStore {
    async fn put_object(&self, file: &str) -> Result<Uploaded, String> {
        Ok(Uploaded { url: format!("https://s3.example.com/{}", file) })
    }
}

#[allow(non_upper_case_globals)]
static database: Database = Database;
#[allow(non_upper_case_globals)]
static s3: ObjectStore = ObjectStore;
