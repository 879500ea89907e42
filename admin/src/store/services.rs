//! Services (backend connections) and their bindings to endpoints.
//!
//! Secrets in a service's config are never returned: every read masks them, and an update
//! that sends the mask back keeps the stored secret.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as JsonValue};
use sqlx::Row;

use super::{now, Store, StoreError};

/// The documented service types.
pub const SERVICE_TYPES: &[&str] = &[
    "sqlite",
    "postgres",
    "mysql",
    "redis",
    "mongodb",
    "minio",
    "memcached",
    "ftp",
    "email",
];

/// What a masked secret reads as.
pub const MASK: &str = "********";

/// Config keys holding secrets.
const SECRET_KEYS: &[&str] = &[
    "password",
    "secret_key",
    "secret",
    "token",
    "api_key",
    "private_key",
    "passphrase",
];

fn is_secret(key: &str) -> bool {
    SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str())
}

/// The config with every non-empty secret replaced by [`MASK`].
pub fn masked(config: &JsonValue) -> JsonValue {
    match config {
        JsonValue::Object(m) => JsonValue::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = match v {
                        JsonValue::Null => JsonValue::Null,
                        JsonValue::String(s) if s.is_empty() => v.clone(),
                        _ if is_secret(k) => JsonValue::String(MASK.into()),
                        other => masked(other),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Config keys that say where a secret goes and how: changing one of them moves the stored
/// secret to another host, port or user, or onto a weaker transport (FTP instead of SFTP,
/// TLS off, another CA).
const DESTINATION_KEYS: &[&str] = &[
    "host",
    "port",
    "username",
    "endpoint",
    "access_key",
    "protocol",
    "ssl_mode",
    "use_tls",
    "use_ssl",
    "encryption",
    "ca_cert_path",
];

/// `update` merged over `stored`, top-level keys; a masked (or left out) secret keeps the
/// stored value, but only while the service still points where it was saved: a stored
/// secret never leaves for another host, port or user. A change of destination must carry
/// its own secret, else the merge is refused with the reason.
pub fn merge_config(stored: &JsonValue, update: &JsonValue) -> Result<JsonValue, String> {
    let mut out: Map<String, JsonValue> = stored.as_object().cloned().unwrap_or_default();
    let mut given_secrets = Vec::new();
    for (k, v) in update.as_object().into_iter().flatten() {
        if is_secret(k) {
            if v.as_str() == Some(MASK) {
                continue;
            }
            given_secrets.push(k.as_str());
        }
        out.insert(k.clone(), v.clone());
    }
    let moved: Vec<&str> = DESTINATION_KEYS
        .iter()
        .copied()
        .filter(|k| {
            stored.get(k).unwrap_or(&JsonValue::Null) != out.get(*k).unwrap_or(&JsonValue::Null)
        })
        .collect();
    if !moved.is_empty() {
        let kept: Vec<&str> = out
            .iter()
            .filter(|(k, v)| {
                is_secret(k)
                    && v.as_str().is_some_and(|s| !s.is_empty())
                    && !given_secrets.contains(&k.as_str())
            })
            .map(|(k, _)| k.as_str())
            .collect();
        if !kept.is_empty() {
            return Err(format!(
                "the stored {} is only sent where and how it was saved (host, port, user, protocol, TLS); this change sets a new {}: give the {} again",
                kept.join(" and "),
                moved.join(" and "),
                kept.join(" and "),
            ));
        }
    }
    Ok(JsonValue::Object(out))
}

/// A service as the API returns it (secrets masked).
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    /// Id (UUID).
    pub id: String,
    /// Name, also usable as the handler-side name.
    pub name: String,
    /// One of [`SERVICE_TYPES`].
    pub service_type: String,
    /// Connection settings, secrets masked.
    pub config: JsonValue,
    /// Whether it is enabled.
    pub enabled: bool,
    /// Whether its actor runs.
    pub active: bool,
    /// Created at.
    pub created_at: String,
    /// Updated at.
    pub updated_at: String,
}

/// Create request.
#[derive(Debug, Clone, Deserialize)]
pub struct NewService {
    /// Name.
    pub name: String,
    /// Type.
    pub service_type: String,
    /// Settings.
    pub config: JsonValue,
    /// Enabled (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// Partial update (config keys merge).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServiceUpdate {
    /// Name.
    pub name: Option<String>,
    /// Settings to change.
    pub config: Option<JsonValue>,
    /// Enabled.
    pub enabled: Option<bool>,
}

/// A binding of a service to an endpoint under a `pool_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Binding {
    /// The service.
    pub service_id: String,
    /// The name handler code uses.
    pub pool_id: String,
}

fn from_row(r: &sqlx::any::AnyRow, mask: bool) -> Result<Service, StoreError> {
    let config: JsonValue = serde_json::from_str(&r.try_get::<String, _>("config")?)?;
    Ok(Service {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        service_type: r.try_get("service_type")?,
        config: if mask { masked(&config) } else { config },
        enabled: r.try_get::<i64, _>("enabled")? != 0,
        active: r.try_get::<i64, _>("active")? != 0,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    /// Every service, secrets masked.
    pub async fn list_services(&self) -> Result<Vec<Service>, StoreError> {
        let rows = sqlx::query("SELECT * FROM services ORDER BY created_at, rowid")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| from_row(r, true)).collect()
    }

    /// One service, secrets masked.
    pub async fn get_service(&self, id: &str) -> Result<Option<Service>, StoreError> {
        self.service(id, true).await
    }

    async fn service(&self, id: &str, mask: bool) -> Result<Option<Service>, StoreError> {
        let row = sqlx::query("SELECT * FROM services WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| from_row(r, mask)).transpose()
    }

    /// One service with its secrets (for the service actors, never for API output).
    pub async fn service_with_secrets(&self, id: &str) -> Result<Option<Service>, StoreError> {
        self.service(id, false).await
    }

    /// Every service with its secrets (boot restore).
    pub async fn services_with_secrets(&self) -> Result<Vec<Service>, StoreError> {
        let rows = sqlx::query("SELECT * FROM services ORDER BY created_at, rowid")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| from_row(r, false)).collect()
    }

    /// Records whether the service's actor runs (restored at boot).
    pub async fn set_service_active(&self, id: &str, active: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE services SET active = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(i64::from(active))
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every binding with the scope of its endpoint: `(scope, pool_id, service_id)`.
    pub async fn scoped_bindings(
        &self,
        endpoint_id: Option<&str>,
    ) -> Result<Vec<(i64, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT e.scope, b.pool_id, b.service_id FROM endpoint_services b \
             JOIN endpoints e ON e.id = b.endpoint_id WHERE $1 IS NULL OR e.id = $1",
        )
        .bind(endpoint_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Creates a service.
    pub async fn create_service(&self, s: &NewService) -> Result<Service, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = now();
        sqlx::query(
            "INSERT INTO services (id, name, service_type, config, enabled, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
        )
        .bind(&id)
        .bind(&s.name)
        .bind(&s.service_type)
        .bind(s.config.to_string())
        .bind(i64::from(s.enabled.unwrap_or(true)))
        .bind(&now)
        .execute(&self.pool)
        .await?;
        Ok(self
            .get_service(&id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?)
    }

    /// Applies a partial update; `None` when there is no such service.
    pub async fn update_service(
        &self,
        id: &str,
        u: &ServiceUpdate,
    ) -> Result<Option<Service>, StoreError> {
        let Some(cur) = self.service(id, false).await? else {
            return Ok(None);
        };
        let config = match &u.config {
            Some(c) => merge_config(&cur.config, c).map_err(StoreError::Invalid)?,
            None => cur.config.clone(),
        };
        sqlx::query("UPDATE services SET name = $2, config = $3, enabled = $4, updated_at = $5 WHERE id = $1")
            .bind(id)
            .bind(u.name.as_ref().unwrap_or(&cur.name))
            .bind(config.to_string())
            .bind(i64::from(u.enabled.unwrap_or(cur.enabled)))
            .bind(now())
            .execute(&self.pool)
            .await?;
        self.get_service(id).await
    }

    /// Deletes a service (and its bindings); whether it existed.
    pub async fn delete_service(&self, id: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM services WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Binds (or re-binds) a service to an endpoint under `pool_id`.
    pub async fn bind_service(&self, endpoint_id: &str, b: &Binding) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO endpoint_services (endpoint_id, service_id, pool_id) VALUES ($1, $2, $3) \
             ON CONFLICT (endpoint_id, service_id) DO UPDATE SET pool_id = excluded.pool_id",
        )
        .bind(endpoint_id)
        .bind(&b.service_id)
        .bind(&b.pool_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes a binding; whether it existed.
    pub async fn unbind_service(
        &self,
        endpoint_id: &str,
        service_id: &str,
    ) -> Result<bool, StoreError> {
        let r =
            sqlx::query("DELETE FROM endpoint_services WHERE endpoint_id = $1 AND service_id = $2")
                .bind(endpoint_id)
                .bind(service_id)
                .execute(&self.pool)
                .await?;
        Ok(r.rows_affected() > 0)
    }

    /// An endpoint's bindings.
    pub async fn bindings(&self, endpoint_id: &str) -> Result<Vec<Binding>, StoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT service_id, pool_id FROM endpoint_services WHERE endpoint_id = $1 ORDER BY pool_id")
                .bind(endpoint_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(service_id, pool_id)| Binding {
                service_id,
                pool_id,
            })
            .collect())
    }

    /// The endpoints a service is bound to, with their pool ids.
    pub async fn service_users(&self, service_id: &str) -> Result<Vec<ServiceUser>, StoreError> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT e.id, e.name, e.method, e.path, b.pool_id FROM endpoint_services b \
             JOIN endpoints e ON e.id = b.endpoint_id WHERE b.service_id = $1 \
             ORDER BY e.path, e.method",
        )
        .bind(service_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(endpoint_id, name, method, path, pool_id)| ServiceUser {
                endpoint_id,
                name,
                method,
                path,
                pool_id,
            })
            .collect())
    }
}

/// An endpoint bound to a service.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceUser {
    /// The endpoint.
    pub endpoint_id: String,
    /// Its name.
    pub name: String,
    /// Its method.
    pub method: String,
    /// Its path.
    pub path: String,
    /// The name its code uses for the service.
    pub pool_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_masked_and_survive_a_masked_round_trip() {
        let stored = json!({"host": "db", "password": "hunter2", "secret_key": "k", "username": "u", "token": ""});
        let m = masked(&stored);
        assert_eq!(
            m,
            json!({"host": "db", "password": MASK, "secret_key": MASK, "username": "u", "token": ""})
        );
        let merged = merge_config(&stored, &json!({"database": "d2", "password": MASK}))
            .expect("same destination");
        assert_eq!(merged["password"], "hunter2");
        assert_eq!(merged["database"], "d2");
        let changed = merge_config(&stored, &json!({"password": "new"})).expect("new secret");
        assert_eq!(changed["password"], "new");
    }

    #[test]
    fn a_stored_secret_never_follows_a_new_destination() {
        let stored = json!({"host": "db", "port": 5432, "password": "hunter2", "username": "u"});
        for moved in [
            json!({"host": "evil.example", "password": MASK}),
            json!({"host": "evil.example"}),
            json!({"port": 6379}),
            json!({"username": "other"}),
            json!({"ssl_mode": "disable"}),
            json!({"protocol": "ftp"}),
        ] {
            let err = merge_config(&stored, &moved).expect_err("secret would move");
            assert!(err.contains("password"), "{err}");
        }
        // A new destination with its own secret is fine.
        let ok = merge_config(&stored, &json!({"host": "db2", "password": "fresh"}))
            .expect("own secret");
        assert_eq!(
            (ok["host"].as_str(), ok["password"].as_str()),
            (Some("db2"), Some("fresh"))
        );
    }
}
