//! `POST /api/import/openapi`: one endpoint per operation of an OpenAPI 3.x document, each
//! with stub code that compiles (it answers 501 until written); `POST /api/import/bundle`:
//! the same from a ZIP with the handlers' code, shared dependencies and extra routes, then
//! optionally compiled and started.

use axum::extract::{Multipart, Query, State};
use serde::Deserialize;

use super::envelope::{ok, ApiError, ApiResult};
use super::{ApiJson, AppState};
use crate::bundle::{normalize, read as read_bundle, Route};
use crate::compiler::validate_dependencies;
use crate::openapi::{self, Op};
use crate::store::collections::{Collection, NewCollection};
use crate::store::endpoints::{
    check_max_body, Endpoint, EndpointFilter, EndpointUpdate, NewEndpoint,
};

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
///
/// An imported document is data, never code: every string it carries reaches the generated
/// source only as an escaped Rust string literal (`{:?}` of a `str` escapes quotes,
/// backslashes and every control character), in a `#[doc = ...]` attribute or an
/// expression, never as raw text on a line of its own.
pub fn stub_code(op: &Op) -> String {
    let mut about = format!("{} {}", op.method, op.path);
    if let Some(d) = op.description.as_deref().filter(|d| !d.is_empty()) {
        about.push_str(": ");
        about.push_str(d);
    }
    format!(
        "use rust_edge_gateway_sdk::prelude::*;\n\n#[doc = {about:?}]\n#[handler]\npub async fn handle(_ctx: &Context, req: Request) -> Response {{\n    Response::json(501, json!({{\n        \"error\": \"not implemented yet\",\n        \"operation\": {name:?},\n        \"method\": req.method,\n        \"path\": req.path,\n    }}))\n}}\n",
        name = op.name,
    )
}

/// Checks what the document gives the collection (title, base path from its first server)
/// with the same rules as the collections API.
fn check_document(spec: &openapi::Spec) -> Result<(), ApiError> {
    crate::route::check_name(&spec.title)?;
    if let Some(base) = &spec.base_path {
        crate::route::check_base_path(base)?;
    }
    Ok(())
}

/// Checks every operation's route and name before anything is created: one refused
/// operation refuses the whole import (400 naming it).
fn check_operations(ops: &[Op], domain: &str) -> Result<(), ApiError> {
    for op in ops {
        crate::route::check(&op.method, &op.path, domain)
            .and_then(|()| crate::route::check_name(&op.name))
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "operation {:?} {:?} cannot be imported: {e}",
                    op.method, op.path
                ))
            })?;
    }
    Ok(())
}

/// The collection the endpoints go to: an existing one, a new one made from the document's
/// title and first server, or none.
async fn resolve_collection(
    s: &AppState,
    collection_id: Option<&str>,
    create: bool,
    domain_id: Option<&str>,
    spec: &openapi::Spec,
) -> Result<Option<Collection>, ApiError> {
    match (collection_id, create) {
        (Some(id), _) => Ok(Some(s.store.get_collection(id).await?.ok_or_else(
            || ApiError::bad_request(format!("collection_id {id} does not exist")),
        )?)),
        (None, true) => {
            let domain_id = domain_id.ok_or_else(|| {
                ApiError::bad_request("domain_id is required when create_collection is true")
            })?;
            if s.store.get_domain(domain_id).await?.is_none() {
                return Err(ApiError::bad_request(format!(
                    "domain_id {domain_id} does not exist"
                )));
            }
            let new = NewCollection {
                domain_id: domain_id.to_string(),
                name: spec.title.clone(),
                description: spec.description.clone(),
                base_path: spec.base_path.clone(),
                enabled: Some(true),
            };
            Ok(Some(s.store.create_collection(&new).await?))
        }
        (None, false) => Ok(None),
    }
}

fn collection_json(c: Option<&Collection>) -> serde_json::Value {
    c.map_or(
        serde_json::Value::Null,
        |c| serde_json::json!({ "id": c.id, "name": c.name, "base_path": c.base_path }),
    )
}

/// `POST /api/import/openapi`
pub async fn openapi(State(s): State<AppState>, ApiJson(b): ApiJson<OpenApiImport>) -> ApiResult {
    let req = b;
    if req.domain.trim().is_empty() {
        return Err(ApiError::bad_request("domain is required (a host or *)"));
    }
    let spec = openapi::parse(&req.spec).map_err(|e| ApiError::bad_request(e.to_string()))?;
    check_operations(&spec.operations, &req.domain)?;
    check_document(&spec)?;
    let collection = resolve_collection(
        &s,
        req.collection_id.as_deref(),
        req.create_collection,
        req.domain_id.as_deref(),
        &spec,
    )
    .await?;
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
            variables: None,
            secrets: None,
            max_body_bytes: None,
        };
        let e = s.store.create_endpoint(&new, "").await?;
        created.push(
            serde_json::json!({ "id": e.id, "name": e.name, "path": e.path, "method": e.method }),
        );
    }
    Ok(ok(serde_json::json!({
        "collection": collection_json(collection.as_ref()),
        "endpoints_created": created.len(),
        "endpoints": created,
    })))
}

/// Query parameters of the bundle import, as documented.
#[derive(Debug, Deserialize)]
pub struct BundleQuery {
    /// Host the endpoints are routed on.
    pub domain: Option<String>,
    /// Domain of the collection to create.
    pub domain_id: Option<String>,
    /// Existing collection.
    pub collection_id: Option<String>,
    /// Create a collection from the document.
    #[serde(default)]
    pub create_collection: bool,
    /// Compile the handlers after import.
    #[serde(default)]
    pub compile: bool,
    /// Start them after compiling.
    #[serde(default)]
    pub start: bool,
}

async fn bundle_bytes(mut mp: Multipart) -> Result<Vec<u8>, ApiError> {
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request(format!("invalid multipart body: {e}")))?
    {
        if matches!(field.name(), Some("bundle" | "file" | "zip")) {
            let data = field
                .bytes()
                .await
                .map_err(|e| ApiError::bad_request(format!("cannot read the bundle: {e}")))?;
            return Ok(data.to_vec());
        }
    }
    Err(ApiError::bad_request(
        "no bundle in the form (field `bundle`, `file` or `zip`)",
    ))
}

/// The operations of a bundle: the document's, renamed or extended by bundle.yaml routes.
fn bundle_ops(spec: &openapi::Spec, routes: &[Route]) -> Vec<Op> {
    let mut ops = spec.operations.clone();
    for r in routes {
        let method = r.method.to_ascii_uppercase();
        match ops
            .iter_mut()
            .find(|o| o.method == method && o.path == r.path)
        {
            Some(op) => op.name = r.handler.clone(),
            None => ops.push(Op {
                name: r.handler.clone(),
                method,
                path: r.path.clone(),
                description: None,
            }),
        }
    }
    ops
}

/// Compiles (and starts) one imported endpoint through the lifecycle; an error goes to the
/// report.
async fn build_and_start(s: &AppState, ep: &Endpoint, start: bool) -> Result<(bool, bool), String> {
    s.lifecycle
        .compile(&ep.id, |_| {})
        .await
        .map_err(|e| e.to_string())?;
    if !start {
        return Ok((true, false));
    }
    s.lifecycle.start(&ep.id).await.map_err(|e| e.to_string())?;
    Ok((true, true))
}

/// `POST /api/import/bundle?domain=&domain_id=&collection_id=&create_collection=&compile=&start=`
pub async fn bundle(
    State(s): State<AppState>,
    Query(q): Query<BundleQuery>,
    mp: Multipart,
) -> ApiResult {
    let domain = q
        .domain
        .clone()
        .filter(|d| !d.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("domain is required (a host or *)"))?;
    let bytes = bundle_bytes(mp).await?;
    let b = read_bundle(&bytes).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if let Some(deps) = &b.manifest.dependencies {
        validate_dependencies(deps)
            .map_err(|e| ApiError::bad_request(format!("bundle.yaml dependencies: {e}")))?;
    }
    if let Some(n) = b.manifest.max_body_bytes {
        check_max_body(n).map_err(|e| ApiError::bad_request(format!("bundle.yaml: {e}")))?;
    }
    let spec = match &b.spec {
        Some(text) => openapi::parse(text).map_err(|e| ApiError::bad_request(e.to_string()))?,
        None if !b.manifest.routes.is_empty() => openapi::Spec {
            title: "Bundle".into(),
            description: None,
            base_path: None,
            operations: Vec::new(),
        },
        None => {
            return Err(ApiError::bad_request(
                "the bundle has neither an OpenAPI document nor routes in bundle.yaml",
            ))
        }
    };
    let ops = bundle_ops(&spec, &b.manifest.routes);
    check_operations(&ops, &domain)?;
    check_document(&spec)?;
    let collection = resolve_collection(
        &s,
        q.collection_id.as_deref(),
        q.create_collection,
        q.domain_id.as_deref(),
        &spec,
    )
    .await?;
    let existing = match &collection {
        Some(c) => {
            s.store
                .list_endpoints(&EndpointFilter {
                    collection_id: Some(c.id.clone()),
                    ..Default::default()
                })
                .await?
        }
        None => Vec::new(),
    };
    let (mut created, mut updated, mut matched, mut compiled, mut started) = (0, 0, 0, 0, 0);
    let (mut endpoints, mut errors) = (Vec::new(), Vec::new());
    for op in &ops {
        let code = match b.handlers.get(&normalize(&op.name)) {
            Some((_, code)) => {
                matched += 1;
                code.clone()
            }
            None => stub_code(op),
        };
        let ep = match existing
            .iter()
            .find(|e| e.method == op.method && e.path == op.path)
        {
            Some(e) => {
                updated += 1;
                let u = EndpointUpdate {
                    code: Some(code),
                    dependencies: b.manifest.dependencies.clone(),
                    max_body_bytes: b.manifest.max_body_bytes,
                    ..Default::default()
                };
                s.store
                    .update_endpoint(&e.id, &u)
                    .await?
                    .ok_or_else(|| ApiError::internal("endpoint vanished during import"))?
            }
            None => {
                created += 1;
                let new = NewEndpoint {
                    name: op.name.clone(),
                    path: op.path.clone(),
                    method: op.method.clone(),
                    domain: domain.clone(),
                    collection_id: collection.as_ref().map(|c| c.id.clone()),
                    description: op.description.clone(),
                    code: Some(code),
                    dependencies: b.manifest.dependencies.clone(),
                    enabled: Some(true),
                    variables: None,
                    secrets: None,
                    max_body_bytes: b.manifest.max_body_bytes,
                };
                s.store.create_endpoint(&new, "").await?
            }
        };
        endpoints.push(serde_json::json!({ "id": ep.id, "name": ep.name, "path": ep.path, "method": ep.method }));
        if q.compile {
            match build_and_start(&s, &ep, q.start).await {
                Ok((c, st)) => {
                    compiled += usize::from(c);
                    started += usize::from(st);
                }
                // The lifecycle recorded the outcome (a serving endpoint keeps serving).
                Err(e) => errors.push(serde_json::json!({ "handler": op.name, "error": e })),
            }
        }
    }
    Ok(ok(serde_json::json!({
        "collection": collection_json(collection.as_ref()),
        "endpoints_created": created,
        "endpoints_updated": updated,
        "handlers_matched": matched,
        "compiled": compiled,
        "started": started,
        "endpoints": endpoints,
        "errors": errors,
    })))
}
