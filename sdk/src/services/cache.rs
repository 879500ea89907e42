//! [`CacheHandle`]: a key-value cache (Redis, memcached) through its service actor.

use serde::Serialize;
use serde_json::Value as JsonValue;

use super::{call, unexpected};
use crate::abi::host::{ServiceKind, ServiceOp, ServiceValue};
use crate::abi::CallScope;
use crate::HandlerError;

/// A key-value cache service.
///
/// Values are stored as text: strings as they are, anything else as JSON. [`get`] parses
/// the stored text as JSON and falls back to a JSON string, so what `set` stored comes back
/// as the same JSON value (a string that looks like JSON, such as `"42"`, comes back
/// parsed; use [`get_raw`] for the exact text).
///
/// [`get`]: CacheHandle::get
/// [`get_raw`]: CacheHandle::get_raw
#[derive(Clone, Debug)]
pub struct CacheHandle {
    scope: CallScope,
    name: String,
}

/// The text stored for a value: strings as is, other values as JSON.
pub(crate) fn to_cache_text<T: Serialize + ?Sized>(value: &T) -> Result<String, HandlerError> {
    Ok(match serde_json::to_value(value)? {
        JsonValue::String(s) => s,
        other => other.to_string(),
    })
}

impl CacheHandle {
    pub(crate) fn new(scope: CallScope, name: &str) -> Self {
        CacheHandle {
            scope,
            name: name.to_string(),
        }
    }

    async fn run(&self, op: ServiceOp) -> Result<ServiceValue, HandlerError> {
        call(self.scope, ServiceKind::Cache, &self.name, op).await
    }

    /// The stored text of a key, `None` when absent.
    pub async fn get_raw(&self, key: &str) -> Result<Option<String>, HandlerError> {
        match self
            .run(ServiceOp::CacheGet {
                key: key.to_string(),
            })
            .await?
        {
            ServiceValue::Text(s) => Ok(Some(s)),
            ServiceValue::Unit => Ok(None),
            other => Err(unexpected(&self.name, "text", &other)),
        }
    }

    /// The value of a key as JSON, `None` when absent.
    pub async fn get(&self, key: &str) -> Result<Option<JsonValue>, HandlerError> {
        Ok(self
            .get_raw(key)
            .await?
            .map(|s| serde_json::from_str(&s).unwrap_or(JsonValue::String(s))))
    }

    /// Stores a value with a time to live in seconds (0: no expiry).
    pub async fn set<T: Serialize + ?Sized>(
        &self,
        key: &str,
        value: &T,
        ttl_secs: u64,
    ) -> Result<(), HandlerError> {
        let value = to_cache_text(value)?;
        let ttl_secs = (ttl_secs > 0).then_some(ttl_secs);
        self.run(ServiceOp::CacheSet {
            key: key.to_string(),
            value,
            ttl_secs,
        })
        .await
        .map(drop)
    }

    /// Deletes a key; whether it existed.
    pub async fn delete(&self, key: &str) -> Result<bool, HandlerError> {
        self.boolean(ServiceOp::CacheDelete {
            key: key.to_string(),
        })
        .await
    }

    /// Whether a key exists.
    pub async fn exists(&self, key: &str) -> Result<bool, HandlerError> {
        self.boolean(ServiceOp::CacheExists {
            key: key.to_string(),
        })
        .await
    }

    /// Increments an integer key by one (a missing key counts as 0); the new value.
    pub async fn incr(&self, key: &str) -> Result<i64, HandlerError> {
        self.add(key, 1).await
    }

    /// Decrements an integer key by one; the new value.
    pub async fn decr(&self, key: &str) -> Result<i64, HandlerError> {
        self.add(key, -1).await
    }

    async fn add(&self, key: &str, delta: i64) -> Result<i64, HandlerError> {
        match self
            .run(ServiceOp::CacheIncr {
                key: key.to_string(),
                delta,
            })
            .await?
        {
            ServiceValue::Int(n) => Ok(n),
            other => Err(unexpected(&self.name, "an integer", &other)),
        }
    }

    async fn boolean(&self, op: ServiceOp) -> Result<bool, HandlerError> {
        match self.run(op).await? {
            ServiceValue::Bool(b) => Ok(b),
            other => Err(unexpected(&self.name, "a boolean", &other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_are_stored_raw_and_values_as_json() {
        assert_eq!(to_cache_text("value").ok().as_deref(), Some("value"));
        assert_eq!(
            to_cache_text(&json!({"a": [1]})).ok().as_deref(),
            Some(r#"{"a":[1]}"#)
        );
        assert_eq!(to_cache_text(&5).ok().as_deref(), Some("5"));
    }
}
