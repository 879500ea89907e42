//! Errors of the service layer, and the faults handlers receive.

use rust_edge_gateway_sdk::abi::host::{FaultKind, ServiceFault};

/// Why a service could not be configured, activated or reached.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The stored config does not describe a usable service.
    #[error("invalid {service_type} config: {message}")]
    Config {
        /// The service type.
        service_type: String,
        /// What is wrong.
        message: String,
    },
    /// The service type is known but not supported by this build.
    #[error("{0}")]
    Unsupported(String),
    /// The backend could not be reached or refused the connection.
    #[error("{0}")]
    Connect(String),
}

/// A fault of `kind` with `message`.
pub(crate) fn fault(kind: FaultKind, message: impl Into<String>) -> ServiceFault {
    ServiceFault {
        kind,
        message: message.into(),
    }
}

/// A backend failure whose cause is the connection (down, refused, reset): 503 for handlers.
pub(crate) fn unavailable(message: impl std::fmt::Display) -> ServiceFault {
    fault(FaultKind::Unavailable, message.to_string())
}

/// A failure of the operation itself (bad SQL, refused key, ...).
pub(crate) fn backend(message: impl std::fmt::Display) -> ServiceFault {
    fault(FaultKind::Backend, message.to_string())
}
