//! [`SqlParam`]: values that can be bound to SQL placeholders.

use crate::abi::host::SqlValue;

/// A value that can be bound to a `$1` / `?` placeholder.
///
/// Parameters are passed as `&[&dyn SqlParam]`, so one call can mix types:
/// `db.query("... WHERE active = $1 AND id = $2", &[&true, &id])`.
pub trait SqlParam {
    /// The value as plain data for the gateway.
    fn to_sql(&self) -> SqlValue;
}

impl<T: SqlParam + ?Sized> SqlParam for &T {
    fn to_sql(&self) -> SqlValue {
        (**self).to_sql()
    }
}

impl<T: SqlParam> SqlParam for Option<T> {
    fn to_sql(&self) -> SqlValue {
        self.as_ref().map_or(SqlValue::Null, SqlParam::to_sql)
    }
}

impl SqlParam for bool {
    fn to_sql(&self) -> SqlValue {
        SqlValue::Bool(*self)
    }
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl SqlParam for $t {
            fn to_sql(&self) -> SqlValue {
                SqlValue::Int(i64::from(*self))
            }
        }
    )*};
}
int_param!(i8, i16, i32, i64, u8, u16, u32);

macro_rules! wide_int_param {
    ($($t:ty),*) => {$(
        impl SqlParam for $t {
            /// Values beyond `i64::MAX` are sent as text.
            fn to_sql(&self) -> SqlValue {
                i64::try_from(*self).map_or_else(|_| SqlValue::Text(self.to_string()), SqlValue::Int)
            }
        }
    )*};
}
wide_int_param!(u64, usize, isize, i128, u128);

impl SqlParam for f32 {
    fn to_sql(&self) -> SqlValue {
        SqlValue::Float(f64::from(*self))
    }
}

impl SqlParam for f64 {
    fn to_sql(&self) -> SqlValue {
        SqlValue::Float(*self)
    }
}

impl SqlParam for str {
    fn to_sql(&self) -> SqlValue {
        SqlValue::Text(self.to_string())
    }
}

impl SqlParam for String {
    fn to_sql(&self) -> SqlValue {
        SqlValue::Text(self.clone())
    }
}

impl SqlParam for [u8] {
    fn to_sql(&self) -> SqlValue {
        SqlValue::Bytes(self.to_vec())
    }
}

impl SqlParam for Vec<u8> {
    fn to_sql(&self) -> SqlValue {
        SqlValue::Bytes(self.clone())
    }
}

impl SqlParam for serde_json::Value {
    /// JSON scalars bind as their SQL counterparts; arrays and objects as JSON text.
    fn to_sql(&self) -> SqlValue {
        use serde_json::Value;
        match self {
            Value::Null => SqlValue::Null,
            Value::Bool(b) => SqlValue::Bool(*b),
            Value::Number(n) => n
                .as_i64()
                .map(SqlValue::Int)
                .or_else(|| n.as_f64().map(SqlValue::Float))
                .unwrap_or_else(|| SqlValue::Text(n.to_string())),
            Value::String(s) => SqlValue::Text(s.clone()),
            other => SqlValue::Json(other.to_string()),
        }
    }
}

/// Converts a parameter slice for the wire.
pub(crate) fn to_values(params: &[&dyn SqlParam]) -> Vec<SqlValue> {
    params.iter().map(|p| p.to_sql()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mixed_parameters_convert() {
        let id = String::from("7");
        let name: Option<String> = None;
        let price = Some(2.5f64);
        let params: &[&dyn SqlParam] = &[&true, &42i32, &id, &"txt", &name, &price, &u64::MAX];
        assert_eq!(
            to_values(params),
            vec![
                SqlValue::Bool(true),
                SqlValue::Int(42),
                SqlValue::Text("7".into()),
                SqlValue::Text("txt".into()),
                SqlValue::Null,
                SqlValue::Float(2.5),
                SqlValue::Text(u64::MAX.to_string()),
            ]
        );
        assert_eq!(
            json!({"a": 1}).to_sql(),
            SqlValue::Json(r#"{"a":1}"#.into())
        );
        assert_eq!(json!(3).to_sql(), SqlValue::Int(3));
    }
}
