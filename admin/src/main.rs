//! `rust-edge-gateway`: the dataplane on the gateway port, the management API on the admin
//! port (a separate tokio runtime), the config store and the handler compiler.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use rust_edge_gateway_admin::actors;
use rust_edge_gateway_admin::api::{self, AppState};
use rust_edge_gateway_admin::artifacts::Artifacts;
use rust_edge_gateway_admin::certificates::Certificates;
use rust_edge_gateway_admin::cli::Cli;
use rust_edge_gateway_admin::cluster::{self, sync::Cluster, NodeInfo};
use rust_edge_gateway_admin::compiler::Compiler;
use rust_edge_gateway_admin::lifecycle::{Lifecycle, RestoreProgress};
use rust_edge_gateway_admin::logs::EndpointLogs;
use rust_edge_gateway_admin::serving::{Limits, Serving};
use rust_edge_gateway_admin::store::Store;
use rust_edge_gateway_admin::{auth, crash_boot, datadir};
use rust_edge_gateway_dataplane::{Dataplane, DataplaneConfig};
use rust_edge_gateway_services::ServiceHub;

async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = term => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    tracing::info!("signal received: stopping");
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Logs go to stderr; stdout carries only the "ready" line.
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    if cli.log_format == "json" {
        logs.json().init();
    } else {
        logs.init();
    }
    if let Some(cmd) = &cli.command {
        // The client commands use the token given, else the one the gateway keeps in its
        // data dir.
        let token = match cli.admin_token.clone().filter(|t| !t.is_empty()) {
            Some(t) => Some(t),
            None => auth::read(&cli.data_dir).unwrap_or_else(|e| {
                eprintln!("warning: {e}");
                None
            }),
        };
        if let Err(e) = rust_edge_gateway_admin::client::run(
            &cli.client_url(),
            token,
            cli.admin_ca.as_deref(),
            cmd,
        ) {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        return Ok(());
    }
    cli.validate()?;
    let sdk = cli.sdk()?;
    datadir::private_umask();
    datadir::prepare(&cli.data_dir)
        .with_context(|| format!("preparing the data dir {}", cli.data_dir.display()))?;
    let data_dir = cli.data_dir.canonicalize()?;
    let mut token_note = String::new();
    let token: Option<Arc<str>> = if cli.open_admin() {
        tracing::warn!(
            "--admin-auth none: the management API on {} is open to every local process and user (it can deploy code)",
            cli.admin_addr
        );
        None
    } else if let Some(t) = cli.admin_token.clone().filter(|t| !t.is_empty()) {
        Some(Arc::from(t))
    } else {
        let (t, fresh) = auth::load_or_create(&data_dir)?;
        let path = auth::token_path(&data_dir);
        if fresh {
            tracing::info!("generated an admin token; it is in {}", path.display());
        }
        token_note = format!(" (admin token in {})", path.display());
        Some(Arc::from(t))
    };

    // The crash records of the previous run, taken before the dataplane appends to the
    // file again; they are cleared once the store holds their outcome.
    let crash_file = crash_boot::record_path(&data_dir);
    let crashes = rust_edge_gateway_dataplane::crash_record::read(&crash_file)
        .with_context(|| format!("reading the crash record {}", crash_file.display()))?;
    let admin_tls = match (&cli.admin_tls_cert, &cli.admin_tls_key) {
        (Some(cert), Some(key)) => Some(
            rust_edge_gateway_admin::admin_tls::server_config(cert, key)
                .context("loading --admin-tls-cert/--admin-tls-key")?,
        ),
        _ => None,
    };
    if token.is_some() && admin_tls.is_none() && !cli.admin_addr.ip().is_loopback() {
        tracing::warn!(
            "the management API on {} speaks plain HTTP on a non-loopback address: the bearer token crosses the network in clear (listen on 127.0.0.1, or reach it through a TLS tunnel or proxy)",
            cli.admin_addr
        );
    }
    let mut config = DataplaneConfig::new(cli.gateway_addr)
        .tls_addr(cli.tls_addr)
        .deadlines(
            Duration::from_secs(cli.first_byte_timeout),
            Duration::from_secs(cli.body_timeout),
            cli.body_min_rate,
        )
        .quarantine_threshold(Duration::from_secs(cli.quarantine_after))
        .crash_record(&crash_file);
    config = config.memory_bounds(
        usize::try_from(cli.max_buffered_bytes_per_worker).unwrap_or(usize::MAX),
        cli.max_connections_per_ip,
    );
    if let Some(n) = cli.workers {
        config = config.workers(n);
    }
    if let Some(path) = &cli.access_log {
        config = config.access_log(path);
    }
    let limits = Limits {
        timeout: config.handler_timeout,
    };
    let dataplane = Dataplane::start(config).context("starting the dataplane")?;
    let gateway_addr = dataplane.local_addr();
    let protections = Arc::clone(dataplane.protections());
    let tls_addr = dataplane.tls_addr();
    let certificates = Arc::new(
        Certificates::open(&data_dir, Arc::clone(dataplane.certificates()))
            .context("loading the TLS certificates")?,
    );
    let tls_metrics = Arc::clone(dataplane.tls_metrics());
    dataplane
        .certificates()
        .set_default_name(cli.tls_default_name.clone());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cli.control_threads())
        .thread_name("reg-control")
        .enable_all()
        .build()?;
    let serving = Serving::new(
        Arc::clone(dataplane.registry()),
        Arc::clone(dataplane.watchdog()),
        limits,
    )
    .with_tls_port(tls_addr.map(|a| a.port()));
    let logs = Arc::new(EndpointLogs::default());
    {
        let logs = Arc::clone(&logs);
        rust_edge_gateway_dataplane::host::set_log_sink(Box::new(move |scope, level, msg| {
            logs.push(scope, level, msg)
        }));
    }
    let services = ServiceHub::new(&data_dir, runtime.handle().clone());
    actors::connect(&services).context("starting the service dispatcher")?;
    let hub = services.clone();
    let cluster_url = cli.cluster_store().map(str::to_string);
    let result = runtime.block_on(async move {
        // In a cluster, a store that does not answer at boot is not fatal: the node serves
        // the state it cached and follows the store once it answers.
        let (store, store_ok) = match &cluster_url {
            None => (Store::open(&data_dir).await?, true),
            Some(url) => {
                let store = Store::postgres(url)?;
                match store.migrate().await {
                    Ok(()) => (store, true),
                    Err(e) if e.is_unavailable() => {
                        tracing::warn!("config store unreachable at boot ({e}); serving the state this node cached");
                        (store, false)
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };
        if store_ok {
            let active = actors::restore(&store, &services).await?;
            if active > 0 {
                tracing::info!(active, "service actors restored");
            }
        }
        let build_dir = cli
            .build_dir
            .clone()
            .unwrap_or_else(|| data_dir.join("target"));
        let compiler = Arc::new(Compiler::new(
            &data_dir,
            &build_dir,
            &sdk,
            cli.build_options(),
        ));
        let artifacts = Arc::new(
            Artifacts::from_url(Some(&cli.artifacts), &compiler.libs_dir())
                .context("--artifacts")?,
        );
        let lifecycle = Lifecycle::new(
            store.clone(),
            Arc::clone(&compiler),
            serving.clone(),
            Arc::clone(&logs),
            services.clone(),
            artifacts,
        );
        let listener = tokio::net::TcpListener::bind(cli.admin_addr)
            .await
            .with_context(|| format!("binding the admin API to {}", cli.admin_addr))?;
        let admin_addr = listener.local_addr()?;
        let node = NodeInfo {
            id: cli
                .node_id
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| cluster::default_node_id(gateway_addr.port())),
            gateway_address: gateway_addr.to_string(),
            admin_address: admin_addr.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            fingerprint: rust_edge_gateway_sdk::abi::FINGERPRINT.to_string(),
            started_at: rust_edge_gateway_admin::store::now(),
        };
        let secret_key = cli
            .secret_key_file
            .as_deref()
            .map(cluster::sealing::SecretKey::from_file)
            .transpose()?;
        let service_locks = Arc::new(actors::ServiceLocks::default());
        let cluster = cluster_url.as_deref().map(|url| {
            let parts = cluster::sync::ClusterParts {
                node: node.clone(),
                lifecycle: lifecycle.clone(),
                services: services.clone(),
                service_locks: Arc::clone(&service_locks),
                certificates: Arc::clone(&certificates),
                secret_key,
                data_dir: data_dir.clone(),
                interval: Duration::from_secs(cli.reconcile_interval),
            };
            Cluster::new(store.clone(), url, parts, store_ok)
        });
        let restore = Arc::new(RestoreProgress::default());
        let state = AppState {
            store,
            compiler,
            serving,
            token,
            metrics_token: cli.metrics_token.filter(|t| !t.is_empty()).map(Arc::from),
            lifecycle: lifecycle.clone(),
            restore: Arc::clone(&restore),
            started: Instant::now(),
            logs,
            services,
            service_locks,
            gateway: gateway_addr,
            protections,
            certificates: Arc::clone(&certificates),
            tls_metrics,
            cluster: cluster.clone(),
            node,
        };
        if let Some(dir) = cli.tls_cert_dir.clone() {
            certificates.load_files(&dir);
            tokio::spawn(Arc::clone(&certificates).watch(dir));
        }
        // Endpoints whose library is still valid serve before the ready line (a load each);
        // rebuilds (another toolchain, a missing file) run behind it while the admin API
        // answers, and /api/health says how far they are.
        let started = Instant::now();
        if !store_ok {
            // The crash records stay in their file until the store holds their outcome.
            if let Some(c) = &cluster {
                c.hold_crashes_later(crashes.clone(), crash_file.clone());
            }
            match cluster::sync::serve_cached(&data_dir, &lifecycle, limits.timeout, &crashes).await {
                Some((loaded, saved_at)) => {
                    tracing::warn!(loaded, %saved_at, "serving the cached state of this node until the store answers");
                    if let Some(c) = &cluster {
                        c.health.serving_cache(&saved_at);
                    }
                }
                None => tracing::warn!("no cached state in the data dir: serving nothing until the store answers"),
            }
            lifecycle.restore_rebuilds(Vec::new(), &restore).await;
        }
        if store_ok && !crashes.is_empty() {
            let held = lifecycle
                .hold_crashed(&crashes, &crash_file, &restore)
                .await;
            tracing::warn!(
                records = crashes.len(),
                held,
                "the last run died of a fatal signal; the versions it was running stay unloaded"
            );
        }
        let rebuild = if store_ok {
            api::domains::publish(&state)
                .await
                .map_err(|e| anyhow::anyhow!("publishing the domains' HTTPS settings: {e:?}"))?;
            lifecycle.restore_valid(&restore).await
        } else {
            Vec::new()
        };
        if let Some(c) = &cluster {
            if store_ok {
                c.health.reachable();
                c.adopt_services().await;
            }
            c.spawn();
        }
        tokio::spawn(async move {
            if store_ok {
                lifecycle.restore_rebuilds(rebuild, &restore).await;
            }
            let figures = restore.snapshot();
            if figures["total"].as_u64().unwrap_or(0) > 0 {
                tracing::info!(
                    %figures,
                    ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    "endpoints restored"
                );
            }
        });
        let tls_note = tls_addr
            .map(|a| format!(" tls https://{a}"))
            .unwrap_or_default();
        let admin_scheme = if admin_tls.is_some() { "https" } else { "http" };
        println!(
            "rust-edge-gateway ready: gateway http://{gateway_addr}{tls_note} admin {admin_scheme}://{admin_addr}/api{token_note}"
        );
        match admin_tls {
            Some(config) => {
                let listener =
                    rust_edge_gateway_admin::admin_tls::TlsListener::new(listener, config)?;
                axum::serve(listener, api::router(state))
                    .with_graceful_shutdown(shutdown_signal())
                    .await?;
            }
            None => {
                axum::serve(listener, api::router(state))
                    .with_graceful_shutdown(shutdown_signal())
                    .await?;
            }
        }
        anyhow::Ok(())
    });
    // Requests in flight may still call services: stop the dataplane first.
    dataplane.shutdown();
    runtime.block_on(hub.shutdown());
    runtime.shutdown_timeout(Duration::from_secs(5));
    result
}
