//! Responding: the one path by which bytes reach the client. [`Session::respond`] encodes
//! into the output buffer, [`Session::flush`] writes it within the write deadline, and
//! [`Session::respond_done`] decides between holding a response back (more pipelined
//! requests are already buffered), writing it, and closing. Idle connections hand their
//! output buffer back to the core's [`BufferPool`].

use std::cell::RefCell;

use monoio::io::{AsyncWriteRent, AsyncWriteRentExt};
use rust_edge_gateway_sdk::Response;

use super::{App, End, Session, PIPELINE_BATCH};
use crate::http::encode::{encode, Framing};

/// A per-core free list of output buffers, so that a keep-alive request does not allocate
/// and free its response buffer, while idle connections hold none.
#[derive(Debug, Default)]
pub(crate) struct BufferPool {
    free: RefCell<Vec<Vec<u8>>>,
}

/// Buffers kept per core, and the largest one worth keeping.
const POOL_BUFFERS: usize = 256;
const POOL_BUFFER_MAX: usize = 64 * 1024;

impl BufferPool {
    /// A cleared buffer, reused when one is free.
    pub fn take(&self) -> Vec<u8> {
        self.free.borrow_mut().pop().unwrap_or_default()
    }

    /// Gives a buffer back (dropped if the pool is full or the buffer large).
    pub fn put(&self, mut buf: Vec<u8>) {
        let mut free = self.free.borrow_mut();
        if buf.capacity() > 0 && buf.capacity() <= POOL_BUFFER_MAX && free.len() < POOL_BUFFERS {
            buf.clear();
            free.push(buf);
        }
    }
}

impl<S, A> Session<S, A>
where
    S: monoio::io::AsyncReadRent + AsyncWriteRent,
    A: App,
{
    /// Appends the encoded response to the output buffer.
    pub(super) fn respond(&mut self, resp: &Response, framing: Framing<'_>) {
        if self.out.capacity() == 0 {
            self.out = self.pool.take();
        }
        let dropped = encode(&mut self.out, resp, framing);
        if dropped > 0 {
            tracing::warn!(
                dropped,
                "dropped response headers with invalid names or values"
            );
        }
    }

    /// Writes whatever output is owed, within the write deadline.
    pub(super) async fn flush(&mut self) -> Result<(), End> {
        if self.out.is_empty() {
            return Ok(());
        }
        self.deadline.set(self.limits.keepalive_timeout, false);
        let out = std::mem::take(&mut self.out);
        match self.deadline.within(self.stream.write_all(out)).await {
            Some((Ok(_), mut out)) => {
                out.clear();
                self.out = out;
                Ok(())
            }
            _ => Err(End::Broken),
        }
    }

    /// After a response was encoded: close, hold it back behind the next pipelined
    /// request, or write it and go idle.
    pub(super) async fn respond_done(&mut self, keep_alive: bool) -> Result<(), End> {
        if !keep_alive {
            return Err(End::Quiet);
        }
        if !self.buf.is_empty() && self.out.len() < PIPELINE_BATCH {
            return Ok(());
        }
        self.flush().await?;
        if self.buf.is_empty() {
            // Going idle: an idle keep-alive connection holds no output buffer and no
            // oversized read buffer (10,000 idle connections must stay cheap).
            self.pool.put(std::mem::take(&mut self.out));
            if self.buf.capacity() > 8192 {
                self.buf = Vec::with_capacity(2048);
            }
        }
        Ok(())
    }
}
