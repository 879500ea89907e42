//! At boot, the crash records a fatal signal left (see
//! `rust_edge_gateway_dataplane::crash_record`) keep the crashing versions unloaded: each
//! named endpoint still running that version goes to `error` with the reason, so the boot
//! restore skips it and one URL cannot drive a crash loop. A deploy or start loads it again.

use std::path::{Path, PathBuf};

use rust_edge_gateway_dataplane::crash_record::{self, CrashRecord};

use crate::store::endpoints::{status, EndpointFilter};
use crate::store::{Store, StoreError};

/// The record file in a data dir.
pub fn record_path(data_dir: &Path) -> PathBuf {
    data_dir.join("crash-record")
}

/// The reason an endpoint kept unloaded shows.
pub fn reason(record: &CrashRecord, version: i64) -> String {
    let at = i64::try_from(record.unix_secs)
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map_or_else(
            || record.unix_secs.to_string(),
            |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        );
    format!(
        "v{version} crashed the gateway with {} at {at}; deploy again to load it",
        crash_record::signal_name(record.signal)
    )
}

/// Puts every running endpoint whose deployed version a record names in `error` with the
/// reason; returns how many. Records naming no handler call, or a version no longer
/// deployed, are logged and change nothing.
pub async fn hold(store: &Store, records: &[CrashRecord]) -> Result<usize, StoreError> {
    if records.is_empty() {
        return Ok(0);
    }
    let endpoints = store.list_endpoints(&EndpointFilter::default()).await?;
    let mut held = 0;
    for record in records {
        let signal = crash_record::signal_name(record.signal);
        let Some((scope, version)) = record.call else {
            tracing::error!(
                %signal,
                "the gateway died of a fatal signal outside any handler call; nothing is kept unloaded"
            );
            continue;
        };
        let found = endpoints
            .iter()
            .find(|e| u64::try_from(e.scope).ok() == Some(scope));
        let Some(ep) = found else {
            tracing::warn!(%signal, scope, "crash record names an endpoint that no longer exists");
            continue;
        };
        let deployed = ep.deployed.as_ref().map(|d| d.version);
        if ep.status != status::RUNNING
            || deployed.and_then(|v| u64::try_from(v).ok()) != Some(version)
        {
            tracing::warn!(endpoint = %ep.id, %signal, version, ?deployed, status = %ep.status,
                "crash record names a version that is not the running deployed one; nothing to hold");
            continue;
        }
        let why = reason(record, deployed.unwrap_or_default());
        tracing::error!(endpoint = %ep.id, path = %ep.path, "not loaded: {why}");
        store.set_status(&ep.id, status::ERROR, Some(&why)).await?;
        held += 1;
    }
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reason_names_signal_time_and_version() {
        let r = CrashRecord {
            signal: libc::SIGABRT,
            call: Some((3, 2)),
            unix_secs: 1_700_000_000,
        };
        assert_eq!(
            reason(&r, 2),
            "v2 crashed the gateway with SIGABRT at 2023-11-14T22:13:20Z; deploy again to load it"
        );
    }
}
