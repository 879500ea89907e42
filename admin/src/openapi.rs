//! Reading an OpenAPI 3.x document (YAML or JSON) into the operations the import creates.
//!
//! Only what the import needs is modelled (title, description, first server, operations);
//! the same model reads 3.0 and 3.1 documents. YAML parsing is `serde_yaml_ng`'s (a JSON
//! document is valid YAML).

use indexmap::IndexMap;
use serde::Deserialize;

/// Why a document cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// Not YAML or JSON, or not shaped like OpenAPI.
    #[error("invalid OpenAPI document: {0}")]
    Parse(#[from] serde_yaml_ng::Error),
    /// Not version 3.x.
    #[error("unsupported OpenAPI version {0:?} (3.x is supported)")]
    Version(String),
}

#[derive(Debug, Deserialize)]
struct Doc {
    openapi: Option<String>,
    swagger: Option<String>,
    #[serde(default)]
    info: Info,
    #[serde(default)]
    servers: Vec<Server>,
    #[serde(default)]
    paths: IndexMap<String, IndexMap<String, serde_yaml_ng::Value>>,
}

#[derive(Debug, Default, Deserialize)]
struct Info {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Server {
    url: String,
}

#[derive(Debug, Default, Deserialize)]
struct Operation {
    #[serde(rename = "operationId")]
    operation_id: Option<String>,
    summary: Option<String>,
    description: Option<String>,
}

/// One operation to turn into an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// operationId, or a name made from method and path.
    pub name: String,
    /// Upper-case method.
    pub method: String,
    /// Path pattern as in the document.
    pub path: String,
    /// Summary or description.
    pub description: Option<String>,
}

/// What the import needs from a document.
#[derive(Debug, Clone)]
pub struct Spec {
    /// info.title.
    pub title: String,
    /// info.description.
    pub description: Option<String>,
    /// The path of servers[0].url (`https://h/api/v3` gives `/api/v3`).
    pub base_path: Option<String>,
    /// Every operation, in document order.
    pub operations: Vec<Op>,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A name for an operation without operationId: `get /pet/{petId}` gives `get_pet_by_petId`.
pub fn derived_name(method: &str, path: &str) -> String {
    let mut name = method.to_ascii_lowercase();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        name.push('_');
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                name.push_str("by_");
                name.push_str(param);
            }
            None => name.extend(
                seg.chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
            ),
        }
    }
    name
}

fn url_path(url: &str) -> Option<String> {
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    };
    let path = rest
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    (path.starts_with('/') && path.len() > 1).then(|| path.to_string())
}

/// Parses a document.
pub fn parse(text: &str) -> Result<Spec, SpecError> {
    let doc: Doc = serde_yaml_ng::from_str(text)?;
    let version = doc
        .openapi
        .or(doc.swagger.map(|s| format!("swagger {s}")))
        .unwrap_or_default();
    if !version.starts_with("3.") {
        return Err(SpecError::Version(version));
    }
    let mut operations = Vec::new();
    for (path, item) in &doc.paths {
        for (method, op) in item {
            if !METHODS.contains(&method.as_str()) {
                continue; // parameters, summary, servers, $ref ...
            }
            let op: Operation = serde_yaml_ng::from_value(op.clone()).unwrap_or_default();
            operations.push(Op {
                name: op
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| derived_name(method, path)),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                description: op.summary.or(op.description),
            });
        }
    }
    Ok(Spec {
        title: doc.info.title.unwrap_or_else(|| "Imported API".into()),
        description: doc.info.description,
        base_path: doc.servers.first().and_then(|s| url_path(&s.url)),
        operations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn petstore_has_19_operations_and_a_base_path() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/data/petstore3-openapi.yaml"
        ))
        .expect("spec");
        let spec = parse(&text).expect("parse");
        assert_eq!(spec.operations.len(), 19);
        assert_eq!(spec.base_path.as_deref(), Some("/api/v3"));
        assert!(spec
            .operations
            .iter()
            .any(|o| o.name == "getPetById" && o.method == "GET" && o.path == "/pet/{petId}"));
    }

    #[test]
    fn json_documents_derived_names_and_versions() {
        let json = r#"{"openapi":"3.1.0","info":{"title":"T"},"servers":[{"url":"/v1"}],"paths":{"/items/{id}":{"get":{},"parameters":[]}}}"#;
        let spec = parse(json).expect("json");
        assert_eq!(
            spec.operations,
            vec![Op {
                name: "get_items_by_id".into(),
                method: "GET".into(),
                path: "/items/{id}".into(),
                description: None
            }]
        );
        assert_eq!(spec.base_path.as_deref(), Some("/v1"));
        assert!(matches!(
            parse(r#"{"swagger":"2.0","paths":{}}"#),
            Err(SpecError::Version(_))
        ));
        assert!(parse("not: [valid").is_err());
    }
}
