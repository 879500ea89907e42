//! What the host offers a handler library: a table of function pointers and the plain-data
//! messages of service calls.
//!
//! A service call leaves the handler as a [`ServiceCall`] through [`HostVTable::call`] and
//! comes back as a [`ServiceResult`]. The host resolves the service name through the calling
//! endpoint's bindings (`pool_id`) and, failing that, the service's own name.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed host future, polled on the handler's worker.
pub type HostFuture<T> = Pin<Box<dyn Future<Output = T> + 'static>>;

/// Who is calling: the host's vtable and the endpoint scope the host assigned to this request.
#[derive(Clone, Copy, Debug)]
pub struct CallScope {
    /// The host's function table.
    pub host: &'static HostVTable,
    /// Opaque to the library: the host uses it to find the endpoint's service bindings.
    pub scope: u64,
}

/// Log levels a library can report through [`HostVTable::log`].
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    /// Errors reported by handler code.
    Error = 1,
    /// Warnings.
    Warn = 2,
    /// Informational lines (what a handler prints).
    Info = 3,
    /// A panic inside the library (message and location).
    Panic = 4,
}

/// The host's function table, passed to the library by `gw_init`.
#[repr(C)]
#[derive(Debug)]
pub struct HostVTable {
    /// Start a service call; the future resolves on the calling worker.
    pub call: fn(u64, ServiceCall) -> HostFuture<ServiceResult>,
    /// A service call that blocks the calling thread (synchronous handlers only).
    pub call_blocking: fn(u64, ServiceCall) -> ServiceResult,
    /// A timer future of the host's runtime.
    pub sleep: fn(Duration) -> HostFuture<()>,
    /// A log line from the library: library id (or call scope), level, message.
    pub log: fn(u64, LogLevel, &str),
    /// The endpoint's variable or secret `name` (call scope, name), as set now: a change
    /// made through the management API applies to the next call without a recompile.
    pub var: fn(u64, &str) -> Option<String>,
}

/// The kinds of service a handler can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceKind {
    /// SQL databases: SQLite, PostgreSQL, MySQL.
    Database,
    /// Key-value caches: Redis, memcached.
    Cache,
    /// Object storage: MinIO, S3.
    ObjectStorage,
    /// File transfer: FTP, FTPS, SFTP.
    FileTransfer,
    /// SMTP email.
    Email,
}

impl ServiceKind {
    /// A lower-case name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceKind::Database => "database",
            ServiceKind::Cache => "cache",
            ServiceKind::ObjectStorage => "object storage",
            ServiceKind::FileTransfer => "file transfer",
            ServiceKind::Email => "email",
        }
    }
}

/// One SQL parameter or column value.
#[derive(Clone, Debug, PartialEq)]
pub enum SqlValue {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// Any integer that fits an i64.
    Int(i64),
    /// A floating point number.
    Float(f64),
    /// Text.
    Text(String),
    /// Binary data.
    Bytes(Vec<u8>),
    /// A JSON document, as text.
    Json(String),
}

/// A mail to send.
#[derive(Clone, Debug, Default)]
pub struct Mail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Body, plain text or HTML (see `html`).
    pub body: String,
    /// Whether `body` is HTML.
    pub html: bool,
    /// Sender address; the service's `from_address` when `None`.
    pub from: Option<String>,
    /// Sender display name; the service's `from_name` when `None`.
    pub from_name: Option<String>,
}

/// One operation on a service.
#[derive(Clone, Debug)]
pub enum ServiceOp {
    /// Check that the named service exists, is of this kind and is active.
    Resolve(ServiceKind),
    /// A query returning rows ([`ServiceValue::Rows`]).
    DbQuery {
        /// SQL with `$1` or `?` placeholders.
        sql: String,
        /// Parameters in placeholder order.
        params: Vec<SqlValue>,
    },
    /// A statement returning the number of affected rows ([`ServiceValue::Int`]).
    DbExecute {
        /// SQL with `$1` or `?` placeholders.
        sql: String,
        /// Parameters in placeholder order.
        params: Vec<SqlValue>,
    },
    /// Get a key ([`ServiceValue::Text`] or [`ServiceValue::Unit`] when absent).
    CacheGet {
        /// The key.
        key: String,
    },
    /// Set a key, with an optional time to live.
    CacheSet {
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// Time to live in seconds.
        ttl_secs: Option<u64>,
    },
    /// Delete a key ([`ServiceValue::Bool`]: whether it existed).
    CacheDelete {
        /// The key.
        key: String,
    },
    /// Whether a key exists ([`ServiceValue::Bool`]).
    CacheExists {
        /// The key.
        key: String,
    },
    /// Add `delta` to an integer key ([`ServiceValue::Int`]: the new value).
    CacheIncr {
        /// The key.
        key: String,
        /// The amount, negative to decrement.
        delta: i64,
    },
    /// Store an object.
    ObjectPut {
        /// Object key.
        key: String,
        /// Content.
        data: Vec<u8>,
        /// Content type; guessed from the key when `None`.
        content_type: Option<String>,
    },
    /// Fetch an object ([`ServiceValue::Bytes`] or [`ServiceValue::Unit`] when absent).
    ObjectGet {
        /// Object key.
        key: String,
    },
    /// List objects under a prefix ([`ServiceValue::Objects`]).
    ObjectList {
        /// Key prefix.
        prefix: String,
    },
    /// Delete an object.
    ObjectDelete {
        /// Object key.
        key: String,
    },
    /// A presigned GET URL ([`ServiceValue::Text`]).
    ObjectPresign {
        /// Object key.
        key: String,
        /// Validity in seconds.
        expires_secs: u64,
    },
    /// Upload a file.
    FilePut {
        /// Remote path, relative to the service's base path unless absolute.
        path: String,
        /// Content.
        data: Vec<u8>,
    },
    /// Download a file ([`ServiceValue::Bytes`]).
    FileGet {
        /// Remote path.
        path: String,
    },
    /// List a directory ([`ServiceValue::Names`]).
    FileList {
        /// Remote directory.
        dir: String,
    },
    /// Delete a file.
    FileDelete {
        /// Remote path.
        path: String,
    },
    /// Send a mail.
    MailSend(Mail),
}

impl ServiceOp {
    /// The kind of service this operation needs.
    pub fn kind(&self) -> ServiceKind {
        use ServiceOp::*;
        match self {
            Resolve(k) => *k,
            DbQuery { .. } | DbExecute { .. } => ServiceKind::Database,
            CacheGet { .. } | CacheSet { .. } | CacheDelete { .. } | CacheExists { .. } => {
                ServiceKind::Cache
            }
            CacheIncr { .. } => ServiceKind::Cache,
            ObjectPut { .. } | ObjectGet { .. } | ObjectList { .. } | ObjectDelete { .. } => {
                ServiceKind::ObjectStorage
            }
            ObjectPresign { .. } => ServiceKind::ObjectStorage,
            FilePut { .. } | FileGet { .. } | FileList { .. } | FileDelete { .. } => {
                ServiceKind::FileTransfer
            }
            MailSend(_) => ServiceKind::Email,
        }
    }
}

/// A service call: which service (by binding or name) and what to do.
#[derive(Clone, Debug)]
pub struct ServiceCall {
    /// The `pool_id` of a binding of the calling endpoint, or a service name.
    pub service: String,
    /// The operation.
    pub op: ServiceOp,
}

/// One entry of an object listing.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectEntry {
    /// Object key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification time, RFC 3339, when the backend reports it.
    pub last_modified: Option<String>,
}

/// The successful outcome of a service call.
#[derive(Clone, Debug, PartialEq)]
pub enum ServiceValue {
    /// Nothing (also: an absent key or object).
    Unit,
    /// A boolean answer.
    Bool(bool),
    /// A count or a number.
    Int(i64),
    /// Text.
    Text(String),
    /// Binary content.
    Bytes(Vec<u8>),
    /// Rows of a query.
    Rows {
        /// Column names.
        columns: Vec<String>,
        /// One vector of values per row, in column order.
        rows: Vec<Vec<SqlValue>>,
    },
    /// An object listing.
    Objects(Vec<ObjectEntry>),
    /// A list of names (a directory listing).
    Names(Vec<String>),
}

/// Why a service call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// No binding or service of that name (or of another kind).
    ServiceNotFound,
    /// The backend cannot be reached, or the service is not active.
    Unavailable,
    /// The backend did not answer in time.
    Timeout,
    /// The backend refused the operation (bad SQL, wrong type, ...).
    Backend,
    /// The object, file or row does not exist.
    NotFound,
    /// The request itself is invalid (a key with `..`, ...).
    Invalid,
    /// A failure inside the gateway.
    Internal,
}

/// A failed service call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceFault {
    /// The category, which decides the HTTP status a handler gets.
    pub kind: FaultKind,
    /// What went wrong, for people.
    pub message: String,
}

/// The outcome of a service call.
pub type ServiceResult = Result<ServiceValue, ServiceFault>;
