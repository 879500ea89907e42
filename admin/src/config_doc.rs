//! Configuration as code: `rust-edge-gateway export` writes a gateway's whole state as one
//! YAML document, `rust-edge-gateway apply FILE` makes a gateway match one. Both work over
//! the management API, so every check and the endpoint lifecycle are the API's own.
//!
//! Objects match across gateways by name (domains, collections within their domain,
//! services) and by domain + method + path (endpoints), never by id. Secrets never appear in
//! the document: a service names, per secret setting, the environment variable `apply` takes
//! it from. The schema is described in `docs/configuration.md`.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::client::{Api, ClientError};

use crate::store::endpoints::DEFAULT_MAX_BODY_BYTES;
use crate::store::services::MASK;

/// The document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigDoc {
    /// Schema version (1).
    pub version: u32,
    /// Domains with their collections.
    #[serde(default)]
    pub domains: Vec<DomainDoc>,
    /// Services, without secrets.
    #[serde(default)]
    pub services: Vec<ServiceDoc>,
    /// Endpoints with their code.
    #[serde(default)]
    pub endpoints: Vec<EndpointDoc>,
}

/// A domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainDoc {
    /// Name (the match key).
    pub name: String,
    /// Host.
    pub host: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Enabled.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Plain HTTP redirected to HTTPS.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub https_redirect: bool,
    /// HSTS max-age, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hsts_max_age: Option<i64>,
    /// Its collections.
    #[serde(default)]
    pub collections: Vec<CollectionDoc>,
}

/// A collection of a domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionDoc {
    /// Name (the match key within its domain).
    pub name: String,
    /// Base path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Enabled.
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// A service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDoc {
    /// Name (the match key).
    pub name: String,
    /// Type (postgres, redis, ...).
    pub service_type: String,
    /// Settings without secrets.
    #[serde(default)]
    pub config: BTreeMap<String, Value>,
    /// Secret setting -> the environment variable `apply` reads it from.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, String>,
    /// Enabled.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Whether its actor runs.
    #[serde(default)]
    pub active: bool,
}

/// Where an endpoint's collection is: its domain's name and its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionRef {
    /// The domain's name.
    pub domain: String,
    /// The collection's name.
    pub name: String,
}

/// A binding of a service to an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindingDoc {
    /// The service's name.
    pub service: String,
    /// The name the handler uses.
    pub pool_id: String,
}

/// Code and dependencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Handler source.
    pub code: String,
    /// Cargo dependencies.
    #[serde(default = "empty_object")]
    pub dependencies: Value,
}

/// An endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointDoc {
    /// Display name.
    pub name: String,
    /// Host or `*` (with method and path, the match key).
    pub domain: String,
    /// Method.
    pub method: String,
    /// Path (below the collection's base path).
    pub path: String,
    /// Its collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<CollectionRef>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Enabled.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Whether it serves (`apply` compiles and deploys `source`).
    #[serde(default)]
    pub serving: bool,
    /// The deployed code (the draft's, for an endpoint never deployed).
    pub code: String,
    /// The deployed dependencies.
    #[serde(default = "empty_object")]
    pub dependencies: Value,
    /// The draft, when it differs from `source`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<Source>,
    /// Service bindings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<BindingDoc>,
    /// Variables the handler reads with `ctx.var`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, String>,
    /// Secret name -> the environment variable `apply` reads its value from.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, String>,
    /// Largest request body (413 above); written only when it is not the 1 MiB default.
    #[serde(
        default = "default_max_body",
        skip_serializing_if = "is_default_max_body"
    )]
    pub max_body_bytes: u64,
}

fn default_max_body() -> u64 {
    DEFAULT_MAX_BODY_BYTES
}

fn is_default_max_body(n: &u64) -> bool {
    *n == DEFAULT_MAX_BODY_BYTES
}

impl EndpointDoc {
    /// The deployed (or only) code and dependencies.
    pub fn source(&self) -> Source {
        Source {
            code: self.code.clone(),
            dependencies: self.dependencies.clone(),
        }
    }
}

fn yes() -> bool {
    true
}

fn empty_object() -> Value {
    json!({})
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn opt(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn list(api: &Api, path: &str) -> Result<Vec<Value>, ClientError> {
    Ok(api
        .call("GET", path, None)?
        .as_array()
        .cloned()
        .unwrap_or_default())
}

/// An environment variable name for a service's secret setting: `REG_SECRET_<NAME>_<KEY>`.
pub fn secret_variable(service: &str, key: &str) -> String {
    let clean = |t: &str| -> String {
        t.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("REG_SECRET_{}_{}", clean(service), clean(key))
}

/// Reads a gateway's state into a document.
pub fn export(api: &Api) -> Result<ConfigDoc, ClientError> {
    let domains = list(api, "/domains")?;
    let collections = list(api, "/collections")?;
    let services = list(api, "/services")?;
    let domain_name: HashMap<String, String> = domains
        .iter()
        .map(|d| (s(&d["id"]), s(&d["name"])))
        .collect();
    let collection_ref: HashMap<String, CollectionRef> = collections
        .iter()
        .map(|c| {
            let domain = domain_name
                .get(&s(&c["domain_id"]))
                .cloned()
                .unwrap_or_default();
            (
                s(&c["id"]),
                CollectionRef {
                    domain,
                    name: s(&c["name"]),
                },
            )
        })
        .collect();
    let service_name: HashMap<String, String> = services
        .iter()
        .map(|v| (s(&v["id"]), s(&v["name"])))
        .collect();
    let mut doc = ConfigDoc {
        version: 1,
        ..Default::default()
    };
    for d in &domains {
        doc.domains.push(DomainDoc {
            name: s(&d["name"]),
            host: s(&d["host"]),
            description: opt(&d["description"]),
            enabled: d["enabled"] != false,
            https_redirect: d["https_redirect"] == true,
            hsts_max_age: d["hsts_max_age"].as_i64(),
            collections: collections
                .iter()
                .filter(|c| c["domain_id"] == d["id"])
                .map(|c| CollectionDoc {
                    name: s(&c["name"]),
                    base_path: opt(&c["base_path"]),
                    description: opt(&c["description"]),
                    enabled: c["enabled"] != false,
                })
                .collect(),
        });
    }
    for v in &services {
        let name = s(&v["name"]);
        let mut config = BTreeMap::new();
        let mut secrets = BTreeMap::new();
        for (k, val) in v["config"].as_object().into_iter().flatten() {
            if val.as_str() == Some(MASK) {
                secrets.insert(k.clone(), secret_variable(&name, k));
            } else {
                config.insert(k.clone(), val.clone());
            }
        }
        doc.services.push(ServiceDoc {
            service_type: s(&v["service_type"]),
            config,
            secrets,
            enabled: v["enabled"] != false,
            active: v["active"] == true,
            name,
        });
    }
    for e in list(api, "/endpoints")? {
        let id = s(&e["id"]);
        let draft = Source {
            code: s(&e["code"]),
            dependencies: e["dependencies"].clone(),
        };
        let deployed = api.call("GET", &format!("/endpoints/{id}/deployed"), None)?;
        let source = if deployed.is_object() {
            Source {
                code: s(&deployed["code"]),
                dependencies: deployed["dependencies"].clone(),
            }
        } else {
            draft.clone()
        };
        let mut services: Vec<BindingDoc> = list(api, &format!("/endpoints/{id}/services"))?
            .iter()
            .map(|b| BindingDoc {
                service: service_name
                    .get(&s(&b["service_id"]))
                    .cloned()
                    .unwrap_or_default(),
                pool_id: s(&b["pool_id"]),
            })
            .collect();
        services.sort();
        let endpoint_name = s(&e["name"]);
        let variables: BTreeMap<String, String> = e["variables"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), s(v)))
            .collect();
        let secrets: BTreeMap<String, String> = e["secrets"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| (k.clone(), secret_variable(&endpoint_name, k)))
            .collect();
        doc.endpoints.push(EndpointDoc {
            variables,
            secrets,
            max_body_bytes: e["max_body_bytes"]
                .as_u64()
                .unwrap_or(DEFAULT_MAX_BODY_BYTES),
            name: s(&e["name"]),
            domain: s(&e["domain"]),
            method: s(&e["method"]),
            path: s(&e["path"]),
            collection: e["collection_id"]
                .as_str()
                .and_then(|c| collection_ref.get(c).cloned()),
            description: opt(&e["description"]),
            enabled: e["enabled"] != false,
            serving: e["status"] == "running",
            draft: (draft != source).then_some(draft),
            code: source.code,
            dependencies: source.dependencies,
            services,
        });
    }
    Ok(doc)
}

/// What `apply` did (or, in a dry run, would do): one line per change.
#[derive(Debug, Default)]
pub struct Plan {
    /// The changes, in order.
    pub changes: Vec<String>,
}

/// One run of `apply`: calls the API (or, dry, only plans) and records each change.
struct Run<'a> {
    api: &'a Api,
    dry_run: bool,
    plan: Plan,
}

impl Run<'_> {
    fn change(&mut self, line: String) {
        eprintln!("{}{line}", if self.dry_run { "would " } else { "" });
        self.plan.changes.push(line);
    }

    /// A changing call: made for real, or a placeholder answer in a dry run.
    fn call(&self, m: &str, p: &str, b: Option<Value>) -> Result<Value, ClientError> {
        if self.dry_run {
            Ok(json!({"id": format!("<new {p}>")}))
        } else {
            self.api.call(m, p, b)
        }
    }

    fn set_draft(
        &mut self,
        id: &str,
        label: &str,
        now: &mut Option<Source>,
        want: &Source,
        why: &str,
    ) -> Result<(), ClientError> {
        if now.as_ref() != Some(want) {
            self.change(format!("{why} endpoint {label}"));
            self.call(
                "PUT",
                &format!("/endpoints/{id}"),
                Some(json!({"code": want.code, "dependencies": want.dependencies})),
            )?;
            *now = Some(want.clone());
        }
        Ok(())
    }
}

fn endpoint_key(domain: &str, method: &str, path: &str) -> String {
    format!("{domain} {} {path}", method.to_ascii_uppercase())
}

/// Makes the gateway behind `api` match `doc`. With `dry_run` nothing changes and the plan
/// says what would; with `prune` what the document does not name is deleted. Secrets come
/// from the environment variables the document names (`env`), sent when a service is
/// created or its settings change.
pub fn apply(
    api: &Api,
    doc: &ConfigDoc,
    prune: bool,
    dry_run: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Plan, ClientError> {
    let mut run = Run {
        api,
        dry_run,
        plan: Plan::default(),
    };
    let domains = list(api, "/domains")?;
    let collections = list(api, "/collections")?;
    let services = list(api, "/services")?;
    let endpoints = list(api, "/endpoints")?;
    let collection_ids = apply_domains(&mut run, doc, &domains, &collections)?;
    let service_ids = apply_services(&mut run, doc, &services, env)?;
    for e in &doc.endpoints {
        apply_endpoint(&mut run, e, &endpoints, &collection_ids, &service_ids, env)?;
    }
    if prune {
        for x in &endpoints {
            let k = endpoint_key(&s(&x["domain"]), &s(&x["method"]), &s(&x["path"]));
            if !doc
                .endpoints
                .iter()
                .any(|e| endpoint_key(&e.domain, &e.method, &e.path) == k)
            {
                run.change(format!("delete endpoint {k}"));
                run.call("DELETE", &format!("/endpoints/{}", s(&x["id"])), None)?;
            }
        }
        for x in &services {
            if !doc.services.iter().any(|v| x["name"] == v.name.as_str()) {
                run.change(format!("delete service {}", s(&x["name"])));
                run.call("DELETE", &format!("/services/{}", s(&x["id"])), None)?;
            }
        }
        for x in &domains {
            if !doc.domains.iter().any(|d| x["name"] == d.name.as_str()) {
                run.change(format!("delete domain {}", s(&x["name"])));
                run.call("DELETE", &format!("/domains/{}", s(&x["id"])), None)?;
            }
        }
        for x in &collections {
            let domain_kept = doc.domains.iter().any(|d| {
                domains
                    .iter()
                    .any(|y| y["id"] == x["domain_id"] && y["name"] == d.name.as_str())
            });
            if domain_kept && !collection_ids.values().any(|c| x["id"] == c.as_str()) {
                run.change(format!("delete collection {}", s(&x["name"])));
                run.call("DELETE", &format!("/collections/{}", s(&x["id"])), None)?;
            }
        }
    }
    Ok(run.plan)
}

/// Domains and their collections, by name; returns (domain name, collection name) -> id.
fn apply_domains(
    run: &mut Run<'_>,
    doc: &ConfigDoc,
    domains: &[Value],
    collections: &[Value],
) -> Result<HashMap<(String, String), String>, ClientError> {
    let mut collection_ids = HashMap::new();
    for d in &doc.domains {
        let body = json!({"name": d.name, "host": d.host, "description": d.description, "enabled": d.enabled,
            "https_redirect": d.https_redirect, "hsts_max_age": d.hsts_max_age});
        let id = match domains.iter().find(|x| x["name"] == d.name.as_str()) {
            Some(cur) => {
                let id = s(&cur["id"]);
                if cur["host"] != d.host.as_str()
                    || opt(&cur["description"]) != d.description
                    || (cur["enabled"] != false) != d.enabled
                    || (cur["https_redirect"] == true) != d.https_redirect
                    || cur["hsts_max_age"].as_i64() != d.hsts_max_age
                {
                    run.change(format!("update domain {}", d.name));
                    run.call("PUT", &format!("/domains/{id}"), Some(body))?;
                }
                id
            }
            None => {
                run.change(format!("create domain {}", d.name));
                s(&run.call("POST", "/domains", Some(body))?["id"])
            }
        };
        for c in &d.collections {
            let body = json!({"domain_id": id, "name": c.name, "base_path": c.base_path, "description": c.description, "enabled": c.enabled});
            let existing = collections
                .iter()
                .find(|x| x["domain_id"] == id.as_str() && x["name"] == c.name.as_str());
            let cid = match existing {
                Some(cur) => {
                    let cid = s(&cur["id"]);
                    if opt(&cur["base_path"]) != c.base_path
                        || opt(&cur["description"]) != c.description
                        || (cur["enabled"] != false) != c.enabled
                    {
                        run.change(format!("update collection {}/{}", d.name, c.name));
                        run.call("PUT", &format!("/collections/{cid}"), Some(body))?;
                    }
                    cid
                }
                None => {
                    run.change(format!("create collection {}/{}", d.name, c.name));
                    s(&run.call("POST", "/collections", Some(body))?["id"])
                }
            };
            collection_ids.insert((d.name.clone(), c.name.clone()), cid);
        }
    }
    Ok(collection_ids)
}

/// Services, by name; returns name -> id.
fn apply_services(
    run: &mut Run<'_>,
    doc: &ConfigDoc,
    services: &[Value],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<HashMap<String, String>, ClientError> {
    let mut service_ids = HashMap::new();
    for v in &doc.services {
        let mut config: serde_json::Map<String, Value> = v
            .config
            .iter()
            .map(|(k, x)| (k.clone(), x.clone()))
            .collect();
        let cur = services.iter().find(|x| x["name"] == v.name.as_str());
        let settings_changed = cur.is_none_or(|cur| {
            let stored: BTreeMap<String, Value> = cur["config"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, x)| x.as_str() != Some(MASK))
                .map(|(k, x)| (k.clone(), x.clone()))
                .collect();
            stored != v.config
        });
        for (key, var) in &v.secrets {
            match env(var) {
                Some(secret) => {
                    config.insert(key.clone(), Value::String(secret));
                }
                None if cur.is_none() && !run.dry_run => {
                    return Err(ClientError::Apply(format!(
                        "service {}: environment variable {var} (its {key}) is not set",
                        v.name
                    )))
                }
                None => {
                    config.insert(key.clone(), Value::String(MASK.into()));
                }
            }
        }
        let id = match cur {
            Some(cur) => {
                let id = s(&cur["id"]);
                if cur["service_type"] != v.service_type.as_str() {
                    return Err(ClientError::Apply(format!(
                        "service {} is a {} service here, not {}",
                        v.name,
                        s(&cur["service_type"]),
                        v.service_type
                    )));
                }
                if settings_changed || (cur["enabled"] != false) != v.enabled {
                    run.change(format!("update service {}", v.name));
                    run.call(
                        "PUT",
                        &format!("/services/{id}"),
                        Some(json!({"config": config, "enabled": v.enabled})),
                    )?;
                }
                if (cur["active"] == true) != v.active {
                    let verb = if v.active { "activate" } else { "deactivate" };
                    run.change(format!("{verb} service {}", v.name));
                    run.call("POST", &format!("/services/{id}/{verb}"), None)?;
                }
                id
            }
            None => {
                run.change(format!("create service {} ({})", v.name, v.service_type));
                let id = s(&run.call(
                    "POST",
                    "/services",
                    Some(json!({"name": v.name, "service_type": v.service_type, "config": config, "enabled": v.enabled})),
                )?["id"]);
                if v.active {
                    run.change(format!("activate service {}", v.name));
                    run.call("POST", &format!("/services/{id}/activate"), None)?;
                }
                id
            }
        };
        service_ids.insert(v.name.clone(), id);
    }
    Ok(service_ids)
}

/// One endpoint, by domain + method + path: its fields, its deployed code (compiled and
/// started when it differs), its draft, its bindings.
fn apply_endpoint(
    run: &mut Run<'_>,
    e: &EndpointDoc,
    endpoints: &[Value],
    collection_ids: &HashMap<(String, String), String>,
    service_ids: &HashMap<String, String>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), ClientError> {
    let label = endpoint_key(&e.domain, &e.method, &e.path);
    // Secret values from the environment; an unset variable keeps the stored secret.
    let mut secret_values = serde_json::Map::new();
    for (name, var) in &e.secrets {
        let value = env(var).unwrap_or_else(|| MASK.to_string());
        secret_values.insert(name.clone(), Value::String(value));
    }
    let collection_id = match &e.collection {
        Some(c) => Some(
            collection_ids
                .get(&(c.domain.clone(), c.name.clone()))
                .cloned()
                .ok_or_else(|| {
                    ClientError::Apply(format!(
                        "endpoint {label}: collection {}/{} is not in the document",
                        c.domain, c.name
                    ))
                })?,
        ),
        None => None,
    };
    let source = e.source();
    let cur = endpoints
        .iter()
        .find(|x| endpoint_key(&s(&x["domain"]), &s(&x["method"]), &s(&x["path"])) == label);
    let (id, mut draft_now, deployed_now, serving_now) = match cur {
        Some(cur) => {
            let id = s(&cur["id"]);
            let meta_changed = cur["name"] != e.name.as_str()
                || opt(&cur["description"]) != e.description
                || (cur["enabled"] != false) != e.enabled
                || opt(&cur["collection_id"]) != collection_id;
            if meta_changed {
                run.change(format!("update endpoint {label}"));
                run.call(
                    "PUT",
                    &format!("/endpoints/{id}"),
                    Some(json!({"name": e.name, "description": e.description, "enabled": e.enabled, "collection_id": collection_id})),
                )?;
            }
            let vars_now: BTreeMap<String, String> = cur["variables"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), s(v)))
                .collect();
            let max_body_now = cur["max_body_bytes"]
                .as_u64()
                .unwrap_or(DEFAULT_MAX_BODY_BYTES);
            if max_body_now != e.max_body_bytes {
                run.change(format!(
                    "set max_body_bytes of endpoint {label} to {}",
                    e.max_body_bytes
                ));
                run.call(
                    "PUT",
                    &format!("/endpoints/{id}"),
                    Some(json!({"max_body_bytes": e.max_body_bytes})),
                )?;
            }
            if vars_now != e.variables {
                run.change(format!("set the variables of endpoint {label}"));
                run.call(
                    "PUT",
                    &format!("/endpoints/{id}"),
                    Some(json!({"variables": e.variables})),
                )?;
            }
            let secret_names: Vec<&String> = cur["secrets"]
                .as_object()
                .map(|m| m.keys().collect())
                .unwrap_or_default();
            if !secret_names.iter().copied().eq(e.secrets.keys()) {
                run.change(format!("set the secrets of endpoint {label}"));
                run.call(
                    "PUT",
                    &format!("/endpoints/{id}"),
                    Some(json!({"secrets": secret_values})),
                )?;
            }
            let deployed = run
                .api
                .call("GET", &format!("/endpoints/{id}/deployed"), None)?;
            let deployed_now = deployed.is_object().then(|| Source {
                code: s(&deployed["code"]),
                dependencies: deployed["dependencies"].clone(),
            });
            let draft_now = Source {
                code: s(&cur["code"]),
                dependencies: cur["dependencies"].clone(),
            };
            (
                id,
                Some(draft_now),
                deployed_now,
                cur["status"] == "running",
            )
        }
        None => {
            run.change(format!("create endpoint {label}"));
            if let Some((name, var)) = e
                .secrets
                .iter()
                .find(|(_, var)| env(var).is_none())
                .filter(|_| !run.dry_run)
            {
                return Err(ClientError::Apply(format!(
                    "endpoint {label}: environment variable {var} (its secret {name}) is not set"
                )));
            }
            let created = run.call(
                "POST",
                "/endpoints",
                Some(json!({"name": e.name, "domain": e.domain, "method": e.method, "path": e.path,
                    "collection_id": collection_id, "description": e.description, "enabled": e.enabled,
                    "code": e.code, "dependencies": e.dependencies,
                    "variables": e.variables, "secrets": secret_values,
                    "max_body_bytes": e.max_body_bytes})),
            )?;
            (s(&created["id"]), Some(source.clone()), None, false)
        }
    };
    if e.serving {
        let up_to_date = serving_now && deployed_now.as_ref() == Some(&source);
        if !up_to_date {
            run.set_draft(&id, &label, &mut draft_now, &source, "set the code of")?;
            run.change(format!("deploy endpoint {label}"));
            if !run.dry_run {
                let current = run.api.call("GET", &format!("/endpoints/{id}"), None)?;
                if current["draft_compiled"] != true {
                    run.api.call_with_progress(
                        &format!("compiling {label}"),
                        "POST",
                        &format!("/endpoints/{id}/compile"),
                    )?;
                }
                run.api
                    .call("POST", &format!("/endpoints/{id}/start"), None)?;
            }
        }
    } else if serving_now {
        run.change(format!("stop endpoint {label}"));
        run.call("POST", &format!("/endpoints/{id}/stop"), None)?;
    }
    let want_draft = e.draft.clone().unwrap_or(source);
    run.set_draft(&id, &label, &mut draft_now, &want_draft, "set the draft of")?;

    let bound = match cur {
        Some(_) => list(run.api, &format!("/endpoints/{id}/services"))?,
        None => Vec::new(),
    };
    for b in &e.services {
        let sid = service_ids.get(&b.service).cloned().ok_or_else(|| {
            ClientError::Apply(format!(
                "endpoint {label}: service {} is not in the document",
                b.service
            ))
        })?;
        let same = bound
            .iter()
            .any(|x| x["service_id"] == sid.as_str() && x["pool_id"] == b.pool_id.as_str());
        if !same {
            run.change(format!(
                "bind {} as {} to endpoint {label}",
                b.service, b.pool_id
            ));
            run.call(
                "POST",
                &format!("/endpoints/{id}/services"),
                Some(json!({"service_id": sid, "pool_id": b.pool_id})),
            )?;
        }
    }
    for x in &bound {
        let wanted = e
            .services
            .iter()
            .any(|b| service_ids.get(&b.service).map(String::as_str) == x["service_id"].as_str());
        if !wanted {
            run.change(format!("unbind a service from endpoint {label}"));
            run.call(
                "DELETE",
                &format!("/endpoints/{id}/services/{}", s(&x["service_id"])),
                None,
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_round_trips_through_yaml() {
        let doc = ConfigDoc {
            version: 1,
            services: vec![ServiceDoc {
                name: "main-db".into(),
                service_type: "postgres".into(),
                config: BTreeMap::from([("host".to_string(), json!("db"))]),
                secrets: BTreeMap::from([(
                    "password".to_string(),
                    secret_variable("main-db", "password"),
                )]),
                enabled: true,
                active: false,
            }],
            endpoints: vec![EndpointDoc {
                name: "hello".into(),
                domain: "*".into(),
                method: "GET".into(),
                path: "/hello".into(),
                collection: None,
                description: None,
                enabled: true,
                serving: true,
                code: "fn a() {}\n".into(),
                dependencies: json!({"regex": "1"}),
                draft: Some(Source {
                    code: "fn b() {}\n".into(),
                    dependencies: json!({}),
                }),
                services: vec![],
                variables: BTreeMap::from([("GREETING".to_string(), "hi".to_string())]),
                secrets: BTreeMap::from([(
                    "API_KEY".to_string(),
                    secret_variable("hello", "API_KEY"),
                )]),
                max_body_bytes: 8 << 20,
            }],
            ..Default::default()
        };
        let text = serde_yaml_ng::to_string(&doc).expect("yaml");
        assert!(text.contains("REG_SECRET_MAIN_DB_PASSWORD"), "{text}");
        let back: ConfigDoc = serde_yaml_ng::from_str(&text).expect("parse");
        assert_eq!(back, doc);
        assert!(serde_yaml_ng::from_str::<ConfigDoc>("version: 1\nendpionts: []\n").is_err());
    }
}
