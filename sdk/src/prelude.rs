//! Everything a handler usually needs: `use rust_edge_gateway_sdk::prelude::*;`.

pub use crate::compat::{DbPool, DbResult, EmailPool, FtpPool, RedisPool, Storage};
pub use crate::services::{
    CacheHandle, DatabaseHandle, EmailHandle, FtpHandle, ObjectInfo, Row, SqlParam, StorageHandle,
};
pub use crate::time::{now_rfc3339, sleep, timeout};
pub use crate::{handler, handler_loop, handler_loop_async_result, handler_loop_result};
pub use crate::{Body, Context, HandlerError, MultipartData, MultipartFile, Request, Response};
pub use serde::{Deserialize, Serialize};
pub use serde_json::{json, Value as JsonValue};
