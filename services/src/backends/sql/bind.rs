//! Parameters to driver arguments. MySQL and SQLite convert loosely themselves; PostgreSQL
//! does not, so each value is converted to the type the server inferred for its
//! placeholder (a text `"42"` for an `int4` column becomes 42, a NULL gets the right type).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use rust_edge_gateway_sdk::abi::host::SqlValue;
use sqlx::mysql::MySqlArguments;
use sqlx::postgres::{PgArguments, PgTypeInfo};
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{MySql, Postgres, Sqlite, TypeInfo};

fn json_value(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}

macro_rules! loose {
    ($q:expr, $v:expr) => {
        match $v {
            SqlValue::Null => $q.bind(None::<String>),
            SqlValue::Bool(b) => $q.bind(b),
            SqlValue::Int(i) => $q.bind(i),
            SqlValue::Float(f) => $q.bind(f),
            SqlValue::Text(s) | SqlValue::Json(s) => $q.bind(s),
            SqlValue::Bytes(b) => $q.bind(b),
        }
    };
}

/// Binds a parameter for MySQL.
pub(crate) fn mysql<'q>(
    q: Query<'q, MySql, MySqlArguments>,
    v: SqlValue,
) -> Query<'q, MySql, MySqlArguments> {
    loose!(q, v)
}

/// Binds a parameter for SQLite.
pub(crate) fn sqlite<'q>(
    q: Query<'q, Sqlite, SqliteArguments<'q>>,
    v: SqlValue,
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    loose!(q, v)
}

fn text_of(v: &SqlValue) -> Option<String> {
    match v {
        SqlValue::Null => None,
        SqlValue::Bool(b) => Some(b.to_string()),
        SqlValue::Int(i) => Some(i.to_string()),
        SqlValue::Float(f) => Some(f.to_string()),
        SqlValue::Text(s) | SqlValue::Json(s) => Some(s.clone()),
        SqlValue::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

fn int_of(v: &SqlValue) -> Result<Option<i64>, String> {
    Ok(match v {
        SqlValue::Null => None,
        SqlValue::Bool(b) => Some(i64::from(*b)),
        SqlValue::Int(i) => Some(*i),
        SqlValue::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => Some(*f as i64),
        other => {
            let t = text_of(other).unwrap_or_default();
            Some(
                t.trim()
                    .parse()
                    .map_err(|_| format!("'{t}' is not an integer"))?,
            )
        }
    })
}

fn float_of(v: &SqlValue) -> Result<Option<f64>, String> {
    Ok(match v {
        SqlValue::Null => None,
        SqlValue::Int(i) => Some(*i as f64),
        SqlValue::Float(f) => Some(*f),
        other => {
            let t = text_of(other).unwrap_or_default();
            Some(
                t.trim()
                    .parse()
                    .map_err(|_| format!("'{t}' is not a number"))?,
            )
        }
    })
}

fn bool_of(v: &SqlValue) -> Result<Option<bool>, String> {
    Ok(match v {
        SqlValue::Null => None,
        SqlValue::Bool(b) => Some(*b),
        SqlValue::Int(i) => Some(*i != 0),
        other => {
            let t = text_of(other).unwrap_or_default().to_ascii_lowercase();
            Some(match t.trim() {
                "true" | "t" | "1" | "yes" | "on" => true,
                "false" | "f" | "0" | "no" | "off" => false,
                _ => return Err(format!("'{t}' is not a boolean")),
            })
        }
    })
}

fn parsed<T: std::str::FromStr>(v: &SqlValue, what: &str) -> Result<Option<T>, String> {
    text_of(v)
        .map(|t| {
            t.trim()
                .parse::<T>()
                .map_err(|_| format!("'{t}' is not a valid {what}"))
        })
        .transpose()
}

fn narrow<T: TryFrom<i64>>(v: Option<i64>, what: &str) -> Result<Option<T>, String> {
    v.map(|i| T::try_from(i).map_err(|_| format!("{i} does not fit a {what}")))
        .transpose()
}

/// Binds a parameter for PostgreSQL, converted to the placeholder's type `ty`.
pub(crate) fn postgres<'q>(
    q: Query<'q, Postgres, PgArguments>,
    v: SqlValue,
    ty: Option<&PgTypeInfo>,
) -> Result<Query<'q, Postgres, PgArguments>, String> {
    let name = ty.map_or("TEXT", |t| t.name());
    Ok(match name {
        "INT2" => q.bind(narrow::<i16>(int_of(&v)?, "smallint")?),
        "INT4" => q.bind(narrow::<i32>(int_of(&v)?, "integer")?),
        "INT8" => q.bind(int_of(&v)?),
        "FLOAT4" => q.bind(float_of(&v)?.map(|f| f as f32)),
        "FLOAT8" => q.bind(float_of(&v)?),
        "NUMERIC" => q.bind(match &v {
            SqlValue::Float(f) => Some(Decimal::try_from(*f).map_err(|e| e.to_string())?),
            other => parsed::<Decimal>(other, "number")?,
        }),
        "BOOL" => q.bind(bool_of(&v)?),
        "BYTEA" => q.bind(match v {
            SqlValue::Null => None,
            SqlValue::Bytes(b) => Some(b),
            other => text_of(&other).map(String::into_bytes),
        }),
        "JSON" | "JSONB" => q.bind(match v {
            SqlValue::Null => None,
            SqlValue::Json(s) | SqlValue::Text(s) => Some(sqlx::types::Json(json_value(&s))),
            SqlValue::Int(i) => Some(sqlx::types::Json(i.into())),
            SqlValue::Bool(b) => Some(sqlx::types::Json(b.into())),
            SqlValue::Float(f) => Some(sqlx::types::Json(f.into())),
            SqlValue::Bytes(b) => Some(sqlx::types::Json(json_value(&String::from_utf8_lossy(&b)))),
        }),
        "UUID" => q.bind(parsed::<uuid::Uuid>(&v, "UUID")?),
        "TIMESTAMPTZ" => q.bind(
            text_of(&v)
                .map(|t| {
                    DateTime::<FixedOffset>::parse_from_rfc3339(t.trim())
                        .map(|d| d.with_timezone(&Utc))
                        .map_err(|_| format!("'{t}' is not an RFC 3339 timestamp"))
                })
                .transpose()?,
        ),
        "TIMESTAMP" => q.bind(
            text_of(&v)
                .map(|t| {
                    NaiveDateTime::parse_from_str(t.trim(), "%Y-%m-%dT%H:%M:%S%.f")
                        .or_else(|_| {
                            NaiveDateTime::parse_from_str(t.trim(), "%Y-%m-%d %H:%M:%S%.f")
                        })
                        .map_err(|_| format!("'{t}' is not a timestamp"))
                })
                .transpose()?,
        ),
        "DATE" => q.bind(parsed::<NaiveDate>(&v, "date")?),
        "TIME" => q.bind(parsed::<NaiveTime>(&v, "time")?),
        _ => q.bind(text_of(&v)),
    })
}
