//! Service handles: the asynchronous API handlers use through [`crate::Context`].
//!
//! Every call becomes a plain-data [`ServiceCall`] handed to the gateway through the host
//! vtable; the reply comes back as a [`ServiceResult`] and is converted to the handle's
//! return type here, so only plain data crosses the library boundary.

mod cache;
mod database;
mod email;
mod ftp;
mod params;
mod storage;

pub use cache::CacheHandle;
pub use database::{DatabaseHandle, Row};
pub use email::EmailHandle;
pub use ftp::FtpHandle;
pub use params::SqlParam;
pub use storage::{ObjectInfo, StorageHandle};

pub(crate) use database::rows_to_json;
pub(crate) use email::{mail, mail_from};
pub(crate) use params::to_values;

use crate::abi::host::{FaultKind, ServiceCall, ServiceFault, ServiceKind, ServiceOp};
use crate::abi::host::{ServiceResult, ServiceValue};
use crate::abi::CallScope;
use crate::HandlerError;

/// Sends one call through the host and maps a fault to the matching [`HandlerError`].
pub(crate) async fn call(
    scope: CallScope,
    kind: ServiceKind,
    service: &str,
    op: ServiceOp,
) -> Result<ServiceValue, HandlerError> {
    let call = ServiceCall {
        service: service.to_string(),
        op,
    };
    let result: ServiceResult = (scope.host.call)(scope.scope, call).await;
    result.map_err(|f| fault_to_error(kind, service, f))
}

/// The blocking twin of [`call`], for synchronous handlers (the `*Pool` API).
pub(crate) fn call_blocking(
    kind: ServiceKind,
    service: &str,
    op: ServiceOp,
) -> Result<ServiceValue, HandlerError> {
    let scope = crate::__rt::current_scope().ok_or_else(|| {
        HandlerError::IpcError(format!(
            "the blocking {} API (service '{service}') works in synchronous handlers only; \
             in an async handler use the Context API (ctx.database(), ctx.cache(), ...)",
            kind.as_str()
        ))
    })?;
    let call = ServiceCall {
        service: service.to_string(),
        op,
    };
    (scope.host.call_blocking)(scope.scope, call).map_err(|f| fault_to_error(kind, service, f))
}

/// Maps a service fault to the error a handler sees, per the documented categories:
/// an unknown name is a 500 naming it, a backend that is down or slow a 503 with the reason.
pub(crate) fn fault_to_error(kind: ServiceKind, service: &str, f: ServiceFault) -> HandlerError {
    let what = kind.as_str();
    match f.kind {
        FaultKind::ServiceNotFound => HandlerError::InternalError(format!(
            "ServiceNotFound: {what} service '{service}': {}",
            f.message
        )),
        FaultKind::Unavailable | FaultKind::Timeout => {
            HandlerError::ServiceUnavailable(format!("{what} service '{service}': {}", f.message))
        }
        FaultKind::Backend => match kind {
            ServiceKind::Database => HandlerError::DatabaseError(f.message),
            ServiceKind::Cache => HandlerError::RedisError(f.message),
            ServiceKind::ObjectStorage | ServiceKind::FileTransfer => {
                HandlerError::StorageError(f.message)
            }
            ServiceKind::Email => HandlerError::InternalError(format!("email: {}", f.message)),
        },
        FaultKind::NotFound => HandlerError::NotFoundMessage(f.message),
        FaultKind::Invalid => HandlerError::BadRequest(f.message),
        FaultKind::Internal => HandlerError::InternalError(f.message),
    }
}

/// The error for a reply of an unexpected shape (a gateway bug, never user input).
pub(crate) fn unexpected(service: &str, expected: &str, got: &ServiceValue) -> HandlerError {
    HandlerError::IpcError(format!(
        "service '{service}' answered {got:?} where {expected} was expected"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(kind: FaultKind) -> ServiceFault {
        ServiceFault {
            kind,
            message: "boom".into(),
        }
    }

    #[test]
    fn faults_map_to_documented_statuses() {
        let db = ServiceKind::Database;
        let e = fault_to_error(db, "main-db", fault(FaultKind::ServiceNotFound));
        assert_eq!(e.status_code(), 500);
        assert!(e.to_string().contains("main-db"), "{e}");
        let e = fault_to_error(db, "main-db", fault(FaultKind::Unavailable));
        assert_eq!(e.status_code(), 503);
        assert!(e.to_string().contains("boom"));
        assert!(matches!(
            fault_to_error(db, "x", fault(FaultKind::Backend)),
            HandlerError::DatabaseError(_)
        ));
        let cache = fault_to_error(ServiceKind::Cache, "x", fault(FaultKind::Backend));
        assert!(matches!(cache, HandlerError::RedisError(_)));
        let s3 = fault_to_error(ServiceKind::ObjectStorage, "x", fault(FaultKind::Backend));
        assert!(matches!(s3, HandlerError::StorageError(_)));
        assert_eq!(
            fault_to_error(db, "x", fault(FaultKind::Timeout)).status_code(),
            503
        );
        assert_eq!(
            fault_to_error(db, "x", fault(FaultKind::NotFound)).status_code(),
            404
        );
        assert_eq!(
            fault_to_error(db, "x", fault(FaultKind::Invalid)).status_code(),
            400
        );
    }

    #[test]
    fn blocking_call_outside_a_handler_is_a_clear_error() {
        let e = call_blocking(
            ServiceKind::Cache,
            "redis",
            ServiceOp::CacheGet { key: "k".into() },
        );
        assert!(
            matches!(e, Err(HandlerError::IpcError(m)) if m.contains("synchronous handlers only"))
        );
    }
}
