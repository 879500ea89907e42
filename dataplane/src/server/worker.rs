//! Worker threads: one monoio runtime per core (io_uring, or epoll where io_uring is not
//! available, logged once), optionally pinned, each with its own SO_REUSEPORT listener.

use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::Once;
use std::time::{Duration, Instant};

use std::os::fd::AsRawFd;

use monoio::net::{ListenerOpts, TcpListener, TcpStream};

use super::app::Gateway;
use super::core::CoreState;
use super::session::{Limits, Session};

static DRIVER_LOGGED: Once = Once::new();

/// The addresses a worker listens on: plain HTTP, and TLS when configured.
pub(crate) type Bound = (SocketAddr, Option<SocketAddr>);

fn log_driver() {
    DRIVER_LOGGED.call_once(|| {
        if monoio::utils::detect_uring() {
            tracing::info!("dataplane workers use io_uring");
        } else {
            tracing::warn!(
                "io_uring is not available (kernel, seccomp profile or kernel.io_uring_disabled); \
                 dataplane workers use epoll"
            );
        }
    });
}

/// Binds this worker's listener: SO_REUSEPORT lets every worker accept on the same port.
pub(crate) fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let opts = ListenerOpts::new()
        .reuse_port(true)
        .reuse_addr(true)
        .backlog(4096);
    TcpListener::bind_with_config(addr, &opts)
}

/// Runs one worker until shutdown: accept loop plus the core's one timer task, which every
/// 10 ms beats for the watchdog, flushes the access log, refreshes the coarse clock,
/// sweeps the connection deadlines (every 100 ms), adopts new snapshots on an idle core
/// and, once shutdown began, stops the accept and ends idle keep-alive connections.
/// With `tls`, a second listener on `tls.0` serves HTTPS (`server/secure.rs`).
/// Reports its bound addresses (plain, TLS) or the error on `ready`.
pub(crate) fn run(
    core: CoreState,
    addr: SocketAddr,
    tls: Option<(SocketAddr, super::secure::TlsShared)>,
    ready: mpsc::Sender<io::Result<Bound>>,
) {
    log_driver();
    let build = |setup: crate::config::UringSetup| {
        monoio::RuntimeBuilder::<monoio::FusionDriver>::new()
            .with_entries(core.config.uring_entries)
            .uring_builder(setup.builder())
            .enable_timer()
            .build()
    };
    let runtime = match build(core.config.uring_setup) {
        Ok(rt) => Ok(rt),
        Err(e) if core.config.uring_setup != crate::config::UringSetup::Default => {
            tracing::warn!(
                "io_uring setup {:?} refused ({e}); using the kernel defaults",
                core.config.uring_setup
            );
            build(crate::config::UringSetup::Default)
        }
        Err(e) => Err(e),
    };
    let mut runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            let hint = if e.raw_os_error() == Some(libc_enobufs()) {
                " (io_uring needs more locked memory: raise RLIMIT_MEMLOCK)"
            } else {
                ""
            };
            let _ = ready.send(Err(io::Error::new(
                e.kind(),
                format!("cannot start worker runtime: {e}{hint}"),
            )));
            return;
        }
    };
    crate::host::mark_worker_thread();
    crate::crash_record::ensure_altstack();
    runtime.block_on(async move {
        let mut listener = match bind(addr) {
            Ok(l) => l,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let secure = match tls
            .map(|(a, shared)| bind(a).map(|l| (l, shared)))
            .transpose()
        {
            Ok(s) => s,
            Err(e) => {
                let _ = ready.send(Err(io::Error::new(
                    e.kind(),
                    format!("binding the TLS listener: {e}"),
                )));
                return;
            }
        };
        let bound = listener.local_addr().and_then(|plain| {
            let tls = secure.as_ref().map(|(l, _)| l.local_addr()).transpose()?;
            Ok((plain, tls))
        });
        let addr = bound.as_ref().map_or(addr, |(plain, _)| *plain);
        let _ = ready.send(bound);
        core.heartbeat
            .listen_fd
            .store(listener.as_raw_fd(), Ordering::Release);
        let core = Rc::new(core);
        if let Some((listener, shared)) = secure {
            monoio::spawn(super::secure::accept_loop(
                Rc::clone(&core),
                listener,
                shared,
            ));
        }
        let shutdown = core.shutdown.clone();
        {
            let core = Rc::clone(&core);
            // Runs until the runtime ends (after the drain below): deadlines of draining
            // connections still need their sweep.
            monoio::spawn(async move {
                loop {
                    core.beat();
                    // Connections the watchdog took from a stuck worker's accept queue.
                    while let Ok(stream) = core.heartbeat.handed.try_recv() {
                        adopt(&core, stream);
                    }
                    if let Some(log) = &core.access {
                        log.flush();
                    }
                    monoio::time::sleep(Duration::from_millis(10)).await;
                    core.deadlines.tick();
                    drop(core.snapshot());
                    if core.shutdown.load(Ordering::Relaxed) {
                        core.cancel_all();
                        // Every tick: a connection may go idle after the previous one.
                        core.deadlines.fire_idle();
                    }
                }
            });
        }
        while !shutdown.load(Ordering::Relaxed) {
            let Some(handle) = core.cancel_handle() else {
                break;
            };
            let (stream, peer) = match listener.cancelable_accept(handle).await {
                Ok(s) => s,
                Err(e) if shutdown.load(Ordering::Relaxed) => {
                    tracing::debug!("accept loop stopped: {e}");
                    break;
                }
                Err(e) if core.heartbeat.listener_removed.load(Ordering::Acquire) => {
                    // The watchdog shut this listener down while the worker was stuck;
                    // it runs again, so it rejoins the reuseport group.
                    tracing::debug!("accept on the removed listener: {e}");
                    match bind(addr) {
                        Ok(l) => {
                            core.heartbeat
                                .listen_fd
                                .store(l.as_raw_fd(), Ordering::Release);
                            core.heartbeat
                                .listener_removed
                                .store(false, Ordering::Release);
                            listener = l;
                            tracing::warn!(
                                worker = core.index,
                                "worker runs again: listening on a new socket"
                            );
                        }
                        Err(e) => {
                            tracing::warn!(worker = core.index, "cannot listen again: {e}");
                            monoio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                    continue;
                }
                Err(e) => {
                    // EMFILE and friends: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    monoio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            };
            serve(&core, stream, peer);
        }
        core.heartbeat.listen_fd.store(-1, Ordering::Release);
        drop(listener);
        // Drain: let open connections finish their current request.
        let deadline = Instant::now() + core.config.drain_timeout;
        while core.conns.get() > 0 && Instant::now() < deadline {
            monoio::time::sleep(Duration::from_millis(10)).await;
        }
    });
}

/// Serves one accepted connection on this core (dropped when the core is at its cap).
fn serve(core: &Rc<CoreState>, stream: TcpStream, peer: SocketAddr) {
    let Some(admitted) = super::core::admit(core, peer.ip()) else {
        drop(stream);
        return;
    };
    let core = Rc::clone(core);
    monoio::spawn(async move {
        let _ = stream.set_nodelay(true);
        let session = Session::new(
            stream,
            Gateway::new(Rc::clone(&core), peer, "http"),
            Limits::from(&*core.config),
            core.deadlines.register(),
            Rc::clone(&core.buffers),
            Rc::clone(&core.guards),
        );
        session.run().await;
        drop(admitted);
    });
}

/// Serves a connection another worker's queue held (accepted by the watchdog).
fn adopt(core: &Rc<CoreState>, stream: std::net::TcpStream) {
    let peer = match stream.peer_addr() {
        Ok(p) => p,
        Err(e) => {
            tracing::debug!("handed-over connection gone: {e}");
            return;
        }
    };
    // The epoll driver needs a non-blocking socket; io_uring takes it as accept gives it.
    if let Err(e) = stream.set_nonblocking(!monoio::utils::detect_uring()) {
        tracing::debug!("handed-over connection: {e}");
        return;
    }
    match TcpStream::from_std(stream) {
        Ok(s) => serve(core, s, peer),
        Err(e) => tracing::warn!("cannot adopt a handed-over connection: {e}"),
    }
}

const fn libc_enobufs() -> i32 {
    105
}
