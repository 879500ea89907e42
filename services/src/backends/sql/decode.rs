//! Rows to plain values, by column type, for each driver: numbers stay numbers, booleans
//! booleans, JSON columns JSON, dates RFC 3339 text.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_edge_gateway_sdk::abi::host::SqlValue;
use sqlx::mysql::MySqlRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Column, Row, TypeInfo, ValueRef};

/// Column names and values of `rows`.
pub(crate) type Table = (Vec<String>, Vec<Vec<SqlValue>>);

fn columns<R: Row>(rows: &[R]) -> Vec<String> {
    rows.first()
        .map(|r| r.columns().iter().map(|c| c.name().to_string()).collect())
        .unwrap_or_default()
}

fn unsupported(col: &str, ty: &str) -> String {
    format!(
        "column '{col}' has type {ty}, which the gateway does not convert; cast it to text in the SQL"
    )
}

fn decimal(d: Decimal) -> SqlValue {
    if d.scale() == 0 {
        if let Some(i) = d.to_i64() {
            return SqlValue::Int(i);
        }
    }
    d.to_f64()
        .map_or(SqlValue::Text(d.to_string()), SqlValue::Float)
}

fn naive(dt: NaiveDateTime) -> SqlValue {
    SqlValue::Text(dt.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
}

macro_rules! get {
    ($row:expr, $i:expr, $t:ty) => {
        $row.try_get::<$t, _>($i).map_err(|e| e.to_string())?
    };
}

/// PostgreSQL rows.
pub(crate) fn postgres(rows: &[PgRow]) -> Result<Table, String> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut values = Vec::with_capacity(row.len());
        for (i, col) in row.columns().iter().enumerate() {
            if row.try_get_raw(i).map_err(|e| e.to_string())?.is_null() {
                values.push(SqlValue::Null);
                continue;
            }
            let ty = col.type_info().name();
            values.push(match ty {
                "BOOL" => SqlValue::Bool(get!(row, i, bool)),
                "INT2" => SqlValue::Int(get!(row, i, i16).into()),
                "INT4" => SqlValue::Int(get!(row, i, i32).into()),
                "INT8" => SqlValue::Int(get!(row, i, i64)),
                "OID" => SqlValue::Int(i64::from(get!(row, i, sqlx::postgres::types::Oid).0)),
                "FLOAT4" => SqlValue::Float(get!(row, i, f32).into()),
                "FLOAT8" => SqlValue::Float(get!(row, i, f64)),
                "NUMERIC" => decimal(get!(row, i, Decimal)),
                "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CHAR" | "UNKNOWN" | "CITEXT" => {
                    SqlValue::Text(get!(row, i, String))
                }
                "BYTEA" => SqlValue::Bytes(get!(row, i, Vec<u8>)),
                "JSON" | "JSONB" => SqlValue::Json(get!(row, i, serde_json::Value).to_string()),
                "UUID" => SqlValue::Text(get!(row, i, uuid::Uuid).to_string()),
                "TIMESTAMPTZ" => SqlValue::Text(get!(row, i, DateTime<Utc>).to_rfc3339()),
                "TIMESTAMP" => naive(get!(row, i, NaiveDateTime)),
                "DATE" => SqlValue::Text(get!(row, i, NaiveDate).to_string()),
                "TIME" => SqlValue::Text(get!(row, i, NaiveTime).to_string()),
                other => match row.try_get::<String, _>(i) {
                    Ok(s) => SqlValue::Text(s),
                    Err(_) => return Err(unsupported(col.name(), other)),
                },
            });
        }
        out.push(values);
    }
    Ok((columns(rows), out))
}

/// MySQL / MariaDB rows.
pub(crate) fn mysql(rows: &[MySqlRow]) -> Result<Table, String> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut values = Vec::with_capacity(row.len());
        for (i, col) in row.columns().iter().enumerate() {
            if row.try_get_raw(i).map_err(|e| e.to_string())?.is_null() {
                values.push(SqlValue::Null);
                continue;
            }
            let ty = col.type_info().name();
            values.push(match ty {
                "BOOLEAN" => SqlValue::Bool(get!(row, i, bool)),
                "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" | "YEAR" => {
                    SqlValue::Int(get!(row, i, i64))
                }
                t if t.ends_with(" UNSIGNED") => {
                    let v = get!(row, i, u64);
                    i64::try_from(v).map_or(SqlValue::Text(v.to_string()), SqlValue::Int)
                }
                "FLOAT" => SqlValue::Float(get!(row, i, f32).into()),
                "DOUBLE" => SqlValue::Float(get!(row, i, f64)),
                "DECIMAL" => decimal(get!(row, i, Decimal)),
                "JSON" => SqlValue::Json(get!(row, i, serde_json::Value).to_string()),
                "DATETIME" => naive(get!(row, i, NaiveDateTime)),
                "TIMESTAMP" => SqlValue::Text(get!(row, i, DateTime<Utc>).to_rfc3339()),
                "DATE" => SqlValue::Text(get!(row, i, NaiveDate).to_string()),
                "TIME" => SqlValue::Text(get!(row, i, NaiveTime).to_string()),
                "BINARY" | "VARBINARY" | "TINYBLOB" | "BLOB" | "MEDIUMBLOB" | "LONGBLOB" => {
                    SqlValue::Bytes(get!(row, i, Vec<u8>))
                }
                other => match row.try_get::<String, _>(i) {
                    Ok(s) => SqlValue::Text(s),
                    Err(_) => match row.try_get::<Vec<u8>, _>(i) {
                        Ok(b) => String::from_utf8(b)
                            .map_or_else(|e| SqlValue::Bytes(e.into_bytes()), SqlValue::Text),
                        Err(_) => return Err(unsupported(col.name(), other)),
                    },
                },
            });
        }
        out.push(values);
    }
    Ok((columns(rows), out))
}

/// SQLite rows: the value's storage class decides, and a column declared BOOLEAN reads as
/// a boolean.
pub(crate) fn sqlite(rows: &[SqliteRow]) -> Result<Table, String> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut values = Vec::with_capacity(row.len());
        for (i, col) in row.columns().iter().enumerate() {
            let raw = row.try_get_raw(i).map_err(|e| e.to_string())?;
            if raw.is_null() {
                values.push(SqlValue::Null);
                continue;
            }
            let storage = raw.type_info().name().to_string();
            let declared = col.type_info().name().to_ascii_uppercase();
            values.push(match storage.as_str() {
                "INTEGER" | "BOOLEAN" if declared == "BOOLEAN" || declared == "BOOL" => {
                    SqlValue::Bool(get!(row, i, i64) != 0)
                }
                "INTEGER" | "BOOLEAN" => SqlValue::Int(get!(row, i, i64)),
                "REAL" => SqlValue::Float(get!(row, i, f64)),
                "BLOB" => SqlValue::Bytes(get!(row, i, Vec<u8>)),
                _ if declared == "JSON" => SqlValue::Json(get!(row, i, String)),
                _ => SqlValue::Text(get!(row, i, String)),
            });
        }
        out.push(values);
    }
    Ok((columns(rows), out))
}
