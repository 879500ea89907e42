//! `POST /api/import/openapi`: one endpoint per operation of an OpenAPI 3.x document, each
//! with stub code that compiles (it answers 501 until written).

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use super::envelope::{ok, ApiError, ApiResult};
use super::{body, AppState};
use crate::openapi::{self, Op};
use crate::store::collections::NewCollection;
use crate::store::endpoints::NewEndpoint;

/// The request body, as documented.
#[derive(Debug, Deserialize)]
pub struct OpenApiImport {
    /// The document, YAML or JSON.
    pub spec: String,
    /// Host the endpoints are routed on (`*` for all).
    pub domain: String,
    /// Domain of the collection to create.
    #[serde(default)]
    pub domain_id: Option<String>,
    /// Existing collection to add the endpoints to.
    #[serde(default)]
    pub collection_id: Option<String>,
    /// Create a collection from the document's info and first server.
    #[serde(default)]
    pub create_collection: bool,
}

/// Stub code for an operation: compiles, answers 501 naming the operation.
pub fn stub_code(op: &Op) -> String {
    let about = op
        .description
        .as_deref()
        .unwrap_or("")
        .replace(['\n', '\r'], " ");
    format!(
        "use rust_edge_gateway_sdk::prelude::*;\n\n/// {method} {path}{sep}{about}\n#[handler]\npub async fn handle(_ctx: &Context, req: Request) -> Response {{\n    Response::json(501, json!({{\n        \"error\": \"not implemented yet\",\n        \"operation\": {name:?},\n        \"method\": req.method,\n        \"path\": req.path,\n    }}))\n}}\n",
        method = op.method,
        path = op.path,
        sep = if about.is_empty() { "" } else { ": " },
        name = op.name,
    )
}

/// `POST /api/import/openapi`
pub async fn openapi(
    State(s): State<AppState>,
    b: Result<Json<OpenApiImport>, JsonRejection>,
) -> ApiResult {
    let req = body(b)?;
    if req.domain.trim().is_empty() {
        return Err(ApiError::bad_request("domain is required (a host or *)"));
    }
    let spec = openapi::parse(&req.spec).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let collection =
        match (&req.collection_id, req.create_collection) {
            (Some(id), _) => Some(s.store.get_collection(id).await?.ok_or_else(|| {
                ApiError::bad_request(format!("collection_id {id} does not exist"))
            })?),
            (None, true) => {
                let domain_id = req.domain_id.clone().ok_or_else(|| {
                    ApiError::bad_request("domain_id is required when create_collection is true")
                })?;
                if s.store.get_domain(&domain_id).await?.is_none() {
                    return Err(ApiError::bad_request(format!(
                        "domain_id {domain_id} does not exist"
                    )));
                }
                let new = NewCollection {
                    domain_id,
                    name: spec.title.clone(),
                    description: spec.description.clone(),
                    base_path: spec.base_path.clone(),
                    enabled: Some(true),
                };
                Some(s.store.create_collection(&new).await?)
            }
            (None, false) => None,
        };
    let mut created = Vec::new();
    for op in &spec.operations {
        let new = NewEndpoint {
            name: op.name.clone(),
            path: op.path.clone(),
            method: op.method.clone(),
            domain: req.domain.clone(),
            collection_id: collection.as_ref().map(|c| c.id.clone()),
            description: op.description.clone(),
            code: Some(stub_code(op)),
            dependencies: None,
            enabled: Some(true),
        };
        let e = s.store.create_endpoint(&new, "").await?;
        created.push(
            serde_json::json!({ "id": e.id, "name": e.name, "path": e.path, "method": e.method }),
        );
    }
    Ok(ok(serde_json::json!({
        "collection": collection.map(|c| serde_json::json!({ "id": c.id, "name": c.name, "base_path": c.base_path })),
        "endpoints_created": created.len(),
        "endpoints": created,
    })))
}
