//! [`DatabaseHandle`]: SQL through the database service actor.

use serde_json::Value as JsonValue;

use super::params::{to_values, SqlParam};
use super::{call, unexpected};
use crate::abi::host::{ServiceKind, ServiceOp, ServiceValue, SqlValue};
use crate::abi::CallScope;
use crate::HandlerError;

/// One result row: column name to JSON value (numbers stay numbers, NULL is `null`).
pub type Row = serde_json::Map<String, JsonValue>;

/// A SQL database service (SQLite, PostgreSQL, MySQL).
#[derive(Clone, Debug)]
pub struct DatabaseHandle {
    scope: CallScope,
    name: String,
}

fn sql_to_json(v: SqlValue) -> JsonValue {
    match v {
        SqlValue::Null => JsonValue::Null,
        SqlValue::Bool(b) => JsonValue::Bool(b),
        SqlValue::Int(i) => JsonValue::from(i),
        SqlValue::Float(f) => {
            serde_json::Number::from_f64(f).map_or(JsonValue::Null, JsonValue::Number)
        }
        SqlValue::Text(s) => JsonValue::String(s),
        SqlValue::Bytes(b) => {
            // Binary columns come back in PostgreSQL's hex text form.
            let mut s = String::with_capacity(2 + 2 * b.len());
            s.push_str("\\x");
            for byte in b {
                s.push_str(&format!("{byte:02x}"));
            }
            JsonValue::String(s)
        }
        SqlValue::Json(text) => serde_json::from_str(&text).unwrap_or(JsonValue::String(text)),
    }
}

/// Converts a `Rows` reply into JSON objects.
pub(crate) fn rows_to_json(service: &str, value: ServiceValue) -> Result<Vec<Row>, HandlerError> {
    match value {
        ServiceValue::Rows { columns, rows } => Ok(rows
            .into_iter()
            .map(|row| {
                columns
                    .iter()
                    .cloned()
                    .zip(row.into_iter().map(sql_to_json))
                    .collect()
            })
            .collect()),
        other => Err(unexpected(service, "rows", &other)),
    }
}

impl DatabaseHandle {
    pub(crate) fn new(scope: CallScope, name: &str) -> Self {
        DatabaseHandle {
            scope,
            name: name.to_string(),
        }
    }

    async fn run(&self, op: ServiceOp) -> Result<ServiceValue, HandlerError> {
        call(self.scope, ServiceKind::Database, &self.name, op).await
    }

    /// Runs a query and returns every row.
    pub async fn query(
        &self,
        sql: &str,
        params: &[&dyn SqlParam],
    ) -> Result<Vec<Row>, HandlerError> {
        let op = ServiceOp::DbQuery {
            sql: sql.to_string(),
            params: to_values(params),
        };
        rows_to_json(&self.name, self.run(op).await?)
    }

    /// Runs a query that must return a row; no row is `NotFound` (404).
    pub async fn query_one(
        &self,
        sql: &str,
        params: &[&dyn SqlParam],
    ) -> Result<Row, HandlerError> {
        self.query(sql, params)
            .await?
            .into_iter()
            .next()
            .ok_or(HandlerError::NotFound)
    }

    /// Runs a statement (INSERT, UPDATE, DELETE) and returns the number of affected rows.
    pub async fn execute(&self, sql: &str, params: &[&dyn SqlParam]) -> Result<u64, HandlerError> {
        let op = ServiceOp::DbExecute {
            sql: sql.to_string(),
            params: to_values(params),
        };
        match self.run(op).await? {
            ServiceValue::Int(n) => Ok(u64::try_from(n).unwrap_or(0)),
            other => Err(unexpected(&self.name, "a row count", &other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_become_typed_json_objects() {
        let reply = ServiceValue::Rows {
            columns: vec![
                "id".into(),
                "name".into(),
                "ok".into(),
                "score".into(),
                "blob".into(),
                "doc".into(),
                "gone".into(),
            ],
            rows: vec![vec![
                SqlValue::Int(1),
                SqlValue::Text("a".into()),
                SqlValue::Bool(true),
                SqlValue::Float(1.5),
                SqlValue::Bytes(vec![0xde, 0xad]),
                SqlValue::Json(r#"{"k":[1]}"#.into()),
                SqlValue::Null,
            ]],
        };
        let rows = rows_to_json("db", reply).expect("rows");
        assert_eq!(
            JsonValue::Object(rows[0].clone()),
            json!({"id": 1, "name": "a", "ok": true, "score": 1.5, "blob": "\\xdead", "doc": {"k": [1]}, "gone": null})
        );
        assert!(rows_to_json("db", ServiceValue::Unit).is_err());
    }
}
