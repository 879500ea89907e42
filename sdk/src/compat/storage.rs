//! [`Storage`]: one record API over databases, object storage and file servers.

use serde_json::Value as JsonValue;

use crate::abi::host::{ServiceKind, ServiceOp, ServiceValue, SqlValue};
use crate::services::{call_blocking, rows_to_json, unexpected, SqlParam};
use crate::HandlerError;

#[derive(Clone, Debug)]
enum Backend {
    Database { table: String },
    Object { base: String },
    File { base: String },
}

/// JSON records by id, on a database table, an object store or a file server.
///
/// - Database: one row per record in `table`, which must exist with an `id` primary key and
///   a column per field; arrays and objects are stored as JSON text and read back as JSON.
/// - Object storage and file servers: one `{base_path}/{id}.json` document per record.
///
/// `list(Some(filter))` keeps the records whose `status` field equals `filter`, on every
/// backend, so the same handler code behaves the same whatever the backend (the product docs
/// describes a backend-specific filter; one meaning is what makes handlers portable).
/// Calls block until the service answers: use `Storage` from synchronous handlers.
#[derive(Clone, Debug)]
pub struct Storage {
    pool_id: String,
    backend: Backend,
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn checked_identifier(s: &str) -> Result<&str, HandlerError> {
    if is_identifier(s) {
        Ok(s)
    } else {
        Err(HandlerError::BadRequest(format!(
            "'{s}' is not a valid SQL identifier"
        )))
    }
}

fn checked_id(id: &str) -> Result<&str, HandlerError> {
    let ok = !id.is_empty()
        && id != "."
        && id != ".."
        && !id.contains(['/', '\\', '\0'])
        && id.len() <= 200;
    if ok {
        Ok(id)
    } else {
        Err(HandlerError::BadRequest(format!(
            "invalid record id: {id:?}"
        )))
    }
}

/// Reads JSON text columns (arrays, objects) back as JSON.
fn revive(mut v: JsonValue) -> JsonValue {
    if let JsonValue::Object(map) = &mut v {
        for field in map.values_mut() {
            if let JsonValue::String(s) = field {
                if s.starts_with('[') || s.starts_with('{') {
                    if let Ok(parsed) = serde_json::from_str::<JsonValue>(s) {
                        *field = parsed;
                    }
                }
            }
        }
    }
    v
}

fn field_value(v: &JsonValue) -> SqlValue {
    match v {
        JsonValue::Array(_) | JsonValue::Object(_) => SqlValue::Json(v.to_string()),
        scalar => scalar.to_sql(),
    }
}

fn matches_filter(record: &JsonValue, filter: Option<&str>) -> bool {
    filter.is_none_or(|f| record.get("status").and_then(JsonValue::as_str) == Some(f))
}

impl Storage {
    /// Records as rows of `table_name` in a SQL database service.
    pub fn database(pool_id: &str, table_name: &str) -> Self {
        Storage {
            pool_id: pool_id.into(),
            backend: Backend::Database {
                table: table_name.into(),
            },
        }
    }

    /// Records as `{base_path}/{id}.json` objects in a MinIO/S3 service.
    pub fn object_storage(pool_id: &str, base_path: &str) -> Self {
        Storage {
            pool_id: pool_id.into(),
            backend: Backend::Object {
                base: base_path.into(),
            },
        }
    }

    /// Records on whatever the service bound as `pool_id` is: rows of the table `collection`
    /// on a database, `{collection}/{id}.json` objects on MinIO/S3, `{collection}/{id}.json`
    /// files on FTP/SFTP. The same handler then works on every backend, which is chosen
    /// where the service is configured, not in code.
    ///
    /// Fails when `pool_id` names no active database, object storage or file service.
    pub fn bound(pool_id: &str, collection: &str) -> Result<Self, HandlerError> {
        let mut last = None;
        for kind in [
            ServiceKind::Database,
            ServiceKind::ObjectStorage,
            ServiceKind::FileTransfer,
        ] {
            match call_blocking(kind, pool_id, ServiceOp::Resolve(kind)) {
                Ok(_) => {
                    return Ok(match kind {
                        ServiceKind::Database => Self::database(pool_id, collection),
                        ServiceKind::ObjectStorage => Self::object_storage(pool_id, collection),
                        _ => Self::file_storage(pool_id, collection),
                    })
                }
                // The right kind, but not usable now (inactive, down): say so.
                Err(e @ HandlerError::ServiceUnavailable(_)) => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            HandlerError::InternalError(format!("no storage service '{pool_id}'"))
        }))
    }

    /// Records as `{base_path}/{id}.json` files on an FTP/FTPS/SFTP service.
    pub fn file_storage(pool_id: &str, base_path: &str) -> Self {
        Storage {
            pool_id: pool_id.into(),
            backend: Backend::File {
                base: base_path.into(),
            },
        }
    }

    fn doc_path(base: &str, id: &str) -> String {
        let base = base.trim_end_matches('/');
        if base.is_empty() {
            format!("{id}.json")
        } else {
            format!("{base}/{id}.json")
        }
    }

    fn db(&self, op: ServiceOp) -> Result<ServiceValue, HandlerError> {
        call_blocking(ServiceKind::Database, &self.pool_id, op)
    }

    fn sql_rows(&self, sql: String, params: Vec<SqlValue>) -> Result<Vec<JsonValue>, HandlerError> {
        let rows = rows_to_json(&self.pool_id, self.db(ServiceOp::DbQuery { sql, params })?)?;
        Ok(rows
            .into_iter()
            .map(|r| revive(JsonValue::Object(r)))
            .collect())
    }

    fn sql_count(&self, sql: String, params: Vec<SqlValue>) -> Result<u64, HandlerError> {
        match self.db(ServiceOp::DbExecute { sql, params })? {
            ServiceValue::Int(n) => Ok(u64::try_from(n).unwrap_or(0)),
            other => Err(unexpected(
                &self.pool_id,
                "a reply of another shape",
                &other,
            )),
        }
    }

    fn fetch_doc(&self, path: String) -> Result<Option<JsonValue>, HandlerError> {
        let reply = match &self.backend {
            Backend::Object { .. } => call_blocking(
                ServiceKind::ObjectStorage,
                &self.pool_id,
                ServiceOp::ObjectGet { key: path },
            ),
            _ => call_blocking(
                ServiceKind::FileTransfer,
                &self.pool_id,
                ServiceOp::FileGet { path },
            ),
        };
        let bytes = match reply {
            Ok(ServiceValue::Bytes(b)) => b,
            Ok(_) | Err(HandlerError::NotFoundMessage(_)) | Err(HandlerError::NotFound) => {
                return Ok(None)
            }
            Err(e) => return Err(e),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| HandlerError::StorageError(format!("record is not valid JSON: {e}")))
    }

    fn store_doc(&self, path: String, record: &JsonValue) -> Result<(), HandlerError> {
        let data = serde_json::to_vec(record)?;
        match &self.backend {
            Backend::Object { .. } => {
                let op = ServiceOp::ObjectPut {
                    key: path,
                    data,
                    content_type: Some("application/json".into()),
                };
                call_blocking(ServiceKind::ObjectStorage, &self.pool_id, op).map(drop)
            }
            _ => call_blocking(
                ServiceKind::FileTransfer,
                &self.pool_id,
                ServiceOp::FilePut { path, data },
            )
            .map(drop),
        }
    }

    /// The record with this id, `None` when there is none.
    pub fn get(&self, id: &str) -> Result<Option<JsonValue>, HandlerError> {
        let id = checked_id(id)?;
        match &self.backend {
            Backend::Database { table } => {
                let sql = format!("SELECT * FROM {} WHERE id = ?", checked_identifier(table)?);
                Ok(self
                    .sql_rows(sql, vec![SqlValue::Text(id.into())])?
                    .into_iter()
                    .next())
            }
            Backend::Object { base } | Backend::File { base } => {
                self.fetch_doc(Self::doc_path(base, id))
            }
        }
    }

    /// Every record, or those whose `status` equals `filter`.
    pub fn list(&self, filter: Option<&str>) -> Result<Vec<JsonValue>, HandlerError> {
        match &self.backend {
            Backend::Database { table } => {
                let table = checked_identifier(table)?;
                match filter {
                    Some(f) => self.sql_rows(
                        format!("SELECT * FROM {table} WHERE status = ?"),
                        vec![SqlValue::Text(f.into())],
                    ),
                    None => self.sql_rows(format!("SELECT * FROM {table}"), Vec::new()),
                }
            }
            Backend::Object { base } => {
                let prefix = format!("{}/", base.trim_end_matches('/'));
                let keys = match call_blocking(
                    ServiceKind::ObjectStorage,
                    &self.pool_id,
                    ServiceOp::ObjectList { prefix },
                )? {
                    ServiceValue::Objects(list) => {
                        list.into_iter().map(|o| o.key).collect::<Vec<_>>()
                    }
                    other => {
                        return Err(unexpected(
                            &self.pool_id,
                            "a reply of another shape",
                            &other,
                        ))
                    }
                };
                self.collect_docs(keys)
            }
            Backend::File { base } => {
                let dir = base.clone();
                let names = match call_blocking(
                    ServiceKind::FileTransfer,
                    &self.pool_id,
                    ServiceOp::FileList { dir },
                )? {
                    ServiceValue::Names(n) => n,
                    other => {
                        return Err(unexpected(
                            &self.pool_id,
                            "a reply of another shape",
                            &other,
                        ))
                    }
                };
                let base = base.trim_end_matches('/');
                let paths = names
                    .into_iter()
                    .map(|n| n.rsplit('/').next().unwrap_or_default().to_string())
                    .map(|n| format!("{base}/{n}"))
                    .collect();
                self.collect_docs(paths)
            }
        }
        .map(|records| {
            records
                .into_iter()
                .filter(|r| matches_filter(r, filter))
                .collect()
        })
    }

    fn collect_docs(&self, paths: Vec<String>) -> Result<Vec<JsonValue>, HandlerError> {
        let mut out = Vec::new();
        for path in paths.into_iter().filter(|p| p.ends_with(".json")) {
            if let Some(doc) = self.fetch_doc(path)? {
                out.push(doc);
            }
        }
        Ok(out)
    }

    /// Creates a record; `Conflict` (409) when the id exists.
    pub fn create(&self, id: &str, record: &JsonValue) -> Result<(), HandlerError> {
        let id = checked_id(id)?;
        if self.get(id)?.is_some() {
            return Err(HandlerError::Conflict(format!(
                "record '{id}' already exists"
            )));
        }
        match &self.backend {
            Backend::Database { table } => {
                let table = checked_identifier(table)?;
                let fields = record.as_object().ok_or_else(|| {
                    HandlerError::BadRequest("a record must be a JSON object".into())
                })?;
                let mut columns = vec!["id".to_string()];
                let mut values = vec![SqlValue::Text(id.into())];
                for (k, v) in fields.iter().filter(|(k, _)| k.as_str() != "id") {
                    columns.push(checked_identifier(k)?.to_string());
                    values.push(field_value(v));
                }
                let marks = vec!["?"; columns.len()].join(", ");
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({marks})",
                    columns.join(", ")
                );
                self.sql_count(sql, values).map(drop)
            }
            Backend::Object { base } | Backend::File { base } => {
                self.store_doc(Self::doc_path(base, id), record)
            }
        }
    }

    /// Replaces a record's fields; `NotFound` (404) when there is no such record.
    pub fn update(&self, id: &str, record: &JsonValue) -> Result<(), HandlerError> {
        let id = checked_id(id)?;
        match &self.backend {
            Backend::Database { table } => {
                let table = checked_identifier(table)?;
                let fields = record.as_object().ok_or_else(|| {
                    HandlerError::BadRequest("a record must be a JSON object".into())
                })?;
                let mut sets = Vec::new();
                let mut values = Vec::new();
                for (k, v) in fields.iter().filter(|(k, _)| k.as_str() != "id") {
                    sets.push(format!("{} = ?", checked_identifier(k)?));
                    values.push(field_value(v));
                }
                if sets.is_empty() {
                    return self.get(id)?.map(drop).ok_or(HandlerError::NotFound);
                }
                values.push(SqlValue::Text(id.into()));
                let sql = format!("UPDATE {table} SET {} WHERE id = ?", sets.join(", "));
                match self.sql_count(sql, values)? {
                    0 => Err(HandlerError::NotFoundMessage(format!(
                        "record '{id}' not found"
                    ))),
                    _ => Ok(()),
                }
            }
            Backend::Object { base } | Backend::File { base } => {
                if self.get(id)?.is_none() {
                    return Err(HandlerError::NotFoundMessage(format!(
                        "record '{id}' not found"
                    )));
                }
                self.store_doc(Self::doc_path(base, id), record)
            }
        }
    }

    /// Deletes a record; whether it existed.
    pub fn delete(&self, id: &str) -> Result<bool, HandlerError> {
        let id = checked_id(id)?;
        match &self.backend {
            Backend::Database { table } => {
                let sql = format!("DELETE FROM {} WHERE id = ?", checked_identifier(table)?);
                Ok(self.sql_count(sql, vec![SqlValue::Text(id.into())])? > 0)
            }
            Backend::Object { base } => {
                if self.get(id)?.is_none() {
                    return Ok(false);
                }
                let op = ServiceOp::ObjectDelete {
                    key: Self::doc_path(base, id),
                };
                call_blocking(ServiceKind::ObjectStorage, &self.pool_id, op).map(|_| true)
            }
            Backend::File { base } => {
                if self.get(id)?.is_none() {
                    return Ok(false);
                }
                let op = ServiceOp::FileDelete {
                    path: Self::doc_path(base, id),
                };
                call_blocking(ServiceKind::FileTransfer, &self.pool_id, op).map(|_| true)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identifiers_and_ids_are_checked() {
        assert!(is_identifier("pets") && is_identifier("_t1"));
        assert!(!is_identifier("pets; drop table x") && !is_identifier("1a") && !is_identifier(""));
        assert!(checked_id("pet-1").is_ok());
        for bad in ["", "..", "a/b", "a\\b"] {
            assert!(checked_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn json_text_columns_are_revived_and_filters_match_status() {
        let rec = revive(json!({"id": "1", "tags": "[\"a\"]", "name": "[not json"}));
        assert_eq!(rec, json!({"id": "1", "tags": ["a"], "name": "[not json"}));
        assert!(matches_filter(&json!({"status": "sold"}), Some("sold")));
        assert!(!matches_filter(
            &json!({"status": "sold"}),
            Some("available")
        ));
        assert!(matches_filter(&json!({}), None));
        assert_eq!(Storage::doc_path("/data/items/", "x"), "/data/items/x.json");
    }
}
