//! A worker's TLS listener: accepts, runs the handshake under the connection's deadline
//! (the first-byte timeout, which shutdown may end), counts it, then serves the
//! decrypted stream with the same [`Session`] as plain HTTP.

use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use monoio::net::TcpListener;

use super::app::Gateway;
use super::core::CoreState;
use super::session::{Limits, Session};
use crate::tls::{classify, HandshakeResult, TlsMetrics, TlsStream};

/// What a worker's TLS listener shares with the others.
#[derive(Debug, Clone)]
pub(crate) struct TlsShared {
    pub config: Arc<rustls::ServerConfig>,
    pub metrics: Arc<TlsMetrics>,
}

/// Accepts on `listener` until shutdown; each connection runs in its own task.
pub(crate) async fn accept_loop(core: Rc<CoreState>, listener: TcpListener, tls: TlsShared) {
    let shutdown = Arc::clone(&core.shutdown);
    while !shutdown.load(Ordering::Relaxed) {
        let Some(handle) = core.cancel_handle() else {
            break;
        };
        let (stream, peer) = match listener.cancelable_accept(handle).await {
            Ok(s) => s,
            Err(e) if shutdown.load(Ordering::Relaxed) => {
                tracing::debug!("TLS accept loop stopped: {e}");
                break;
            }
            Err(e) => {
                tracing::warn!("TLS accept failed: {e}");
                monoio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Some(admitted) = super::core::admit(&core, peer.ip()) else {
            drop(stream);
            continue;
        };
        let core = Rc::clone(&core);
        let tls = tls.clone();
        monoio::spawn(async move {
            let _ = stream.set_nodelay(true);
            serve(&core, stream, peer, &tls).await;
            drop(admitted);
        });
    }
}

async fn serve(
    core: &Rc<CoreState>,
    stream: monoio::net::TcpStream,
    peer: std::net::SocketAddr,
    tls: &TlsShared,
) {
    let limits = Limits::from(&*core.config);
    let deadline = core.deadlines.register();
    let conn = match rustls::ServerConnection::new(Arc::clone(&tls.config)) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("TLS connection setup failed: {e}");
            tls.metrics.failed(HandshakeResult::Protocol);
            return;
        }
    };
    let mut stream = TlsStream::new(stream, conn);
    // Idle until the handshake is done: a stopping worker may end it at once.
    deadline.set(limits.first_byte_timeout, true);
    match deadline.within(stream.handshake()).await {
        None => {
            tls.metrics.failed(HandshakeResult::Timeout);
            return;
        }
        Some(Err(e)) => {
            tracing::debug!(%peer, "TLS handshake failed: {e}");
            tls.metrics.failed(classify(&e));
            return;
        }
        Some(Ok(())) => tls.metrics.completed(stream.connection()),
    }
    let session = Session::new(
        stream,
        Gateway::new(Rc::clone(core), peer, "https"),
        limits,
        deadline,
        Rc::clone(&core.buffers),
        Rc::clone(&core.guards),
    );
    session.run().await;
}
