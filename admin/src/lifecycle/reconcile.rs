//! Cluster mode's half of the lifecycle: what this node serves follows the store. An
//! endpoint deployed, stopped, re-routed, re-configured or deleted through another node is
//! loaded, stopped, re-routed or forgotten here; each step runs under the endpoint's lock
//! from a fresh read, so an API call on this node and the reconcile never interleave.

use std::collections::HashSet;

use rust_edge_gateway_sdk::abi::FINGERPRINT;
use serde::Serialize;

use super::node_state::digest;
use super::{publish_vars, Lifecycle, LifecycleError};
use crate::serving::StartError;
use crate::store::endpoints::{status, Deployed, Endpoint};
use crate::store::StoreError;

/// What one reconcile changed on this node.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct ReconcileReport {
    /// Endpoints loaded (a new version, a new route).
    pub loaded: usize,
    /// Endpoints stopped or forgotten.
    pub stopped: usize,
    /// Endpoints this node could not serve (see `GET /api/nodes`).
    pub failed: usize,
    /// Endpoints whose deployed code this node is building for itself.
    pub building: usize,
}

enum Converged {
    Unchanged,
    Loaded,
    Stopped,
    /// A build of the deployed code runs in the background; the reconcile that follows it
    /// serves the result.
    Building,
}

/// What serves: the deployed version of a running endpoint.
fn wanted(ep: &Endpoint) -> Option<Deployed> {
    ep.deployed.clone().filter(|_| ep.status == status::RUNNING)
}

fn vars_digest(ep: &Endpoint) -> u64 {
    digest(&(&ep.variables, &ep.secrets))
}

impl Lifecycle {
    /// Makes what this node serves match the store, for every endpoint (see the module
    /// docs). Run on every change notification and on a timer. Returns what changed and
    /// the endpoints as listed.
    pub async fn reconcile(&self) -> Result<(ReconcileReport, Vec<Endpoint>), StoreError> {
        let (endpoints, unreadable) = self.store.list_endpoints_readable().await?;
        let bases = self.store.collection_base_paths().await?;
        let mut report = ReconcileReport::default();
        // An endpoint whose row this node cannot read stays as it serves here.
        for (id, why) in &unreadable {
            tracing::warn!(endpoint = %id, "left as it is on this node: {why}");
            self.node.set_error(
                id,
                Some(format!("this node cannot read its stored row: {why}")),
            );
        }
        let known: HashSet<&str> = endpoints
            .iter()
            .map(|e| e.id.as_str())
            .chain(unreadable.iter().map(|(id, _)| id.as_str()))
            .collect();
        for spec in self.serving.registry().specs() {
            if known.contains(spec.id.as_str()) {
                continue;
            }
            let gone = match self.store.get_endpoint(&spec.id).await {
                Ok(found) => found.is_none(),
                Err(e) if e.is_unavailable() => return Err(e),
                // Written meanwhile by a newer node: not gone.
                Err(_) => false,
            };
            if !gone {
                continue;
            }
            tracing::info!(endpoint = %spec.id, "deleted through another node: no longer served");
            self.forget(&[(spec.id.clone(), i64::try_from(spec.scope).unwrap_or(0))])
                .await;
            report.stopped += 1;
        }
        // A route handed from one endpoint to another conflicts until the other has let
        // it go: those are tried once more at the end of the pass.
        let mut again = Vec::new();
        for ep in &endpoints {
            let base = ep
                .collection_id
                .as_ref()
                .and_then(|c| bases.get(c).cloned().flatten());
            let version = ep.deployed.as_ref().map(|d| d.version);
            if self.node.backing_off(&ep.id, version) {
                continue;
            }
            match self.converge(ep, base.as_deref()).await {
                Err(LifecycleError::Start(StartError::Route(_))) => again.push((ep, base)),
                other => self.count(ep, other, &mut report)?,
            }
        }
        for (ep, base) in again {
            let step = self.converge(ep, base.as_deref()).await;
            self.count(ep, step, &mut report)?;
        }
        Ok((report, endpoints))
    }

    fn count(
        &self,
        ep: &Endpoint,
        step: Result<Converged, LifecycleError>,
        report: &mut ReconcileReport,
    ) -> Result<(), StoreError> {
        match step {
            Ok(Converged::Unchanged) => {}
            Ok(Converged::Loaded) => report.loaded += 1,
            Ok(Converged::Stopped) => report.stopped += 1,
            Ok(Converged::Building) => report.building += 1,
            Err(LifecycleError::Store(e)) => return Err(e),
            Err(e) => {
                tracing::error!(endpoint = %ep.id, "not served on this node: {e}");
                self.node.set_error(&ep.id, Some(e.to_string()));
                // A failed download or load is tried again after a pause (at once for
                // another version); a failed build is not, for this version.
                let for_good = matches!(e, LifecycleError::CompileFailed(_));
                self.node
                    .failed(&ep.id, ep.deployed.as_ref().map(|d| d.version), for_good);
                report.failed += 1;
            }
        }
        Ok(())
    }

    /// One endpoint's step of [`Lifecycle::reconcile`].
    async fn converge(
        &self,
        listed: &Endpoint,
        base: Option<&str>,
    ) -> Result<Converged, LifecycleError> {
        let served = self.serving.served(&listed.id);
        let settled = match (wanted(listed), &served) {
            (None, None) => true,
            (Some(d), Some(spec)) => *spec == self.serving.spec(listed, base, d.version),
            _ => false,
        };
        if settled && !self.node.vars_changed(&listed.id, vars_digest(listed)) {
            return Ok(Converged::Unchanged);
        }
        let _one = self.locks.lock(&listed.id).await;
        let Some(ep) = self.store.get_endpoint(&listed.id).await? else {
            return Ok(Converged::Unchanged);
        };
        let base = self
            .store
            .collection_base_path(ep.collection_id.as_deref())
            .await?;
        let Some(deployed) = wanted(&ep) else {
            if self.serving.is_serving(&ep.id) {
                self.serving.stop(&ep.id);
                self.node.set_error(&ep.id, None);
                tracing::info!(endpoint = %ep.id, status = %ep.status, "stopped through another node");
                return Ok(Converged::Stopped);
            }
            // Not serving: its variables are handed over when it is loaded.
            self.node.vars_published(&ep.id, vars_digest(&ep));
            self.node.set_error(&ep.id, None);
            return Ok(Converged::Unchanged);
        };
        let spec = self.serving.spec(&ep, base.as_deref(), deployed.version);
        if self.serving.served(&ep.id).as_ref() == Some(&spec) {
            // Only the variables or secrets changed: the next request sees them.
            publish_vars(&ep);
            self.node.vars_published(&ep.id, vars_digest(&ep));
            self.node.set_error(&ep.id, None);
            return Ok(Converged::Unchanged);
        }
        crate::route::check(&ep.method, &ep.path, &ep.domain)?;
        if deployed.fingerprint != FINGERPRINT
            && self.node.local_build(&ep.id, deployed.version).is_none()
        {
            // Built by a node of another ABI (another toolchain or gateway version): this
            // node never loads that library; it builds the deployed code itself.
            tracing::warn!(endpoint = %ep.id, version = deployed.version,
                "deployed by a node with another ABI fingerprint; building the deployed code locally");
            return Ok(self.build_in_background(&ep, &deployed));
        }
        let served = self
            .serve_at(&ep, &deployed.library, deployed.version, base.as_deref())
            .await;
        match served {
            Err(LifecycleError::Artifacts(e)) => {
                // The bucket lost it or cannot be reached: the deployed code is in the
                // store, so this node builds it rather than serve nothing.
                tracing::warn!(endpoint = %ep.id, version = deployed.version,
                    "deployed library not available here ({e}); building the deployed code locally");
                return Ok(self.build_in_background(&ep, &deployed));
            }
            other => {
                other?;
            }
        }
        self.node.vars_published(&ep.id, vars_digest(&ep));
        self.node.set_error(&ep.id, None);
        tracing::info!(endpoint = %ep.id, version = deployed.version, "serving the version deployed through another node");
        Ok(Converged::Loaded)
    }

    /// Builds the deployed code of `ep` on this node, in the background (the reconcile goes
    /// on with the other endpoints meanwhile), and keeps the library as this node's build of
    /// that version (never recorded in the store); the reconcile that follows serves it.
    fn build_in_background(&self, ep: &Endpoint, deployed: &Deployed) -> Converged {
        if !self.node.begin_build(&ep.id) {
            return Converged::Building;
        }
        let me = self.clone();
        let (id, version) = (ep.id.clone(), deployed.version);
        let (code, deps) = (deployed.code.clone(), deployed.dependencies.clone());
        tokio::spawn(async move {
            match me.compiler.compile(&id, &code, &deps).await {
                Ok(built) => {
                    me.node
                        .set_local_build(&id, version, built.library.display().to_string());
                    me.compiler.settled(&built.library);
                    tracing::info!(endpoint = %id, version, "deployed code built on this node");
                }
                Err(e) => {
                    let e = LifecycleError::from(e);
                    tracing::error!(endpoint = %id, version, "building the deployed code on this node failed: {e}");
                    me.node.set_error(&id, Some(e.to_string()));
                    let for_good = matches!(e, LifecycleError::CompileFailed(_));
                    me.node.failed(&id, Some(version), for_good);
                }
            }
            me.node.end_build(&id);
        });
        Converged::Building
    }

    /// Woken when a build of deployed code on this node ends (the reconcile waits on it
    /// besides notifications and its timer).
    pub fn build_finished(&self) -> &tokio::sync::Notify {
        self.node.wake()
    }
}
