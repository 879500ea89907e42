//! A server-side TLS stream: rustls driven directly over any monoio stream, so a
//! [`Session`](crate::server) serves HTTPS with the same HTTP code as plain HTTP.
//!
//! Bytes read from the socket wait in `rbuf` until rustls takes them (it may take less
//! than one read brought: a client's `Finished` and its first request often arrive
//! together); what rustls has to send is encrypted into `wbuf` and written in one go,
//! so a whole response costs one write. Dropping a read or write future (a deadline
//! fired) leaves the TLS state unusable; the session closes the connection then anyway.

use std::io::{self, Read, Write};

use monoio::buf::{IoBuf, IoBufMut, IoVecBuf, IoVecBufMut, RawBuf};
use monoio::io::{AsyncReadRent, AsyncWriteRent, AsyncWriteRentExt};
use monoio::BufResult;
use rustls::ServerConnection;

/// One socket read: a full TLS record plus its header.
const READ_CHUNK: usize = 16 * 1024 + 512;

/// A TLS connection over `IO`, server side.
pub struct TlsStream<IO> {
    io: IO,
    conn: ServerConnection,
    /// Bytes read from the socket; `rbuf[rpos..]` not yet given to rustls.
    rbuf: Vec<u8>,
    rpos: usize,
    wbuf: Vec<u8>,
}

impl<IO> std::fmt::Debug for TlsStream<IO> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsStream")
            .field("handshaking", &self.conn.is_handshaking())
            .field("pending_in", &(self.rbuf.len() - self.rpos))
            .finish_non_exhaustive()
    }
}

impl<IO: AsyncReadRent + AsyncWriteRent> TlsStream<IO> {
    /// A stream whose handshake has not run yet (see [`TlsStream::handshake`]).
    pub fn new(io: IO, conn: ServerConnection) -> Self {
        TlsStream {
            io,
            conn,
            rbuf: Vec::new(),
            rpos: 0,
            wbuf: Vec::new(),
        }
    }

    /// The rustls connection: negotiated version, ALPN, SNI.
    pub fn connection(&self) -> &ServerConnection {
        &self.conn
    }

    /// Runs the handshake to its end. A failure sends rustls's alert first.
    pub async fn handshake(&mut self) -> io::Result<()> {
        while self.conn.is_handshaking() {
            self.write_tls().await?;
            if !self.conn.is_handshaking() {
                break;
            }
            if !self.conn.wants_read() {
                return Err(io::Error::other("TLS handshake stalled"));
            }
            if !self.read_tls().await? {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "client closed during the TLS handshake",
                ));
            }
        }
        // The server's last flight (TLS 1.3 session tickets).
        self.write_tls().await
    }

    /// Writes whatever rustls has to send, in one write per batch.
    async fn write_tls(&mut self) -> io::Result<()> {
        while self.conn.wants_write() {
            let mut out = std::mem::take(&mut self.wbuf);
            out.clear();
            while self.conn.wants_write() {
                self.conn.write_tls(&mut out)?;
            }
            let (res, out) = self.io.write_all(out).await;
            self.wbuf = out;
            res?;
        }
        Ok(())
    }

    /// Gives rustls more bytes (reading the socket when none wait) and processes them.
    /// `Ok(false)` when the socket reached its end.
    async fn read_tls(&mut self) -> io::Result<bool> {
        if self.rpos >= self.rbuf.len() {
            let mut buf = std::mem::take(&mut self.rbuf);
            buf.clear();
            buf.reserve(READ_CHUNK);
            let (res, buf) = self.io.read(buf).await;
            self.rbuf = buf;
            self.rpos = 0;
            if res? == 0 {
                return Ok(false);
            }
        }
        let mut pending = self.rbuf.get(self.rpos..).unwrap_or_default();
        let taken = self.conn.read_tls(&mut pending)?;
        self.rpos += taken;
        if let Err(e) = self.conn.process_new_packets() {
            // rustls queued an alert for the peer: let it go out before failing.
            let _ = self.write_tls().await;
            return Err(io::Error::new(io::ErrorKind::InvalidData, e));
        }
        Ok(true)
    }
}

impl<IO: AsyncReadRent + AsyncWriteRent> AsyncReadRent for TlsStream<IO> {
    async fn read<T: IoBufMut>(&mut self, mut buf: T) -> BufResult<usize, T> {
        loop {
            // SAFETY: `write_ptr` points at `bytes_total` writable bytes of `buf`, which
            // this function owns until it returns; rustls only writes into the slice.
            let slice =
                unsafe { std::slice::from_raw_parts_mut(buf.write_ptr(), buf.bytes_total()) };
            match self.conn.reader().read(slice) {
                Ok(n) => {
                    // SAFETY: rustls initialised the first `n` bytes.
                    unsafe { buf.set_init(n) };
                    return (Ok(n), buf);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return (Err(e), buf),
            }
            match self.read_tls().await {
                Ok(true) => {
                    // Post-handshake messages (key updates) may owe an answer.
                    if let Err(e) = self.write_tls().await {
                        return (Err(e), buf);
                    }
                }
                Ok(false) => return (Ok(0), buf),
                Err(e) => return (Err(e), buf),
            }
        }
    }

    async fn readv<T: IoVecBufMut>(&mut self, mut buf: T) -> BufResult<usize, T> {
        // SAFETY: the raw buffer is the first iovec of `buf`, owned here until return.
        let n = match unsafe { RawBuf::new_from_iovec_mut(&mut buf) } {
            Some(raw) => self.read(raw).await.0,
            None => Ok(0),
        };
        if let Ok(n) = n {
            // SAFETY: `read` initialised `n` bytes of that first iovec.
            unsafe { buf.set_init(n) };
        }
        (n, buf)
    }
}

impl<IO: AsyncReadRent + AsyncWriteRent> AsyncWriteRent for TlsStream<IO> {
    async fn write<T: IoBuf>(&mut self, buf: T) -> BufResult<usize, T> {
        // SAFETY: `read_ptr` points at `bytes_init` initialised bytes of `buf`.
        let slice = unsafe { std::slice::from_raw_parts(buf.read_ptr(), buf.bytes_init()) };
        let n = match self.conn.writer().write(slice) {
            Ok(n) => n,
            Err(e) => return (Err(e), buf),
        };
        match self.write_tls().await {
            Ok(()) => (Ok(n), buf),
            Err(e) => (Err(e), buf),
        }
    }

    async fn writev<T: IoVecBuf>(&mut self, buf: T) -> BufResult<usize, T> {
        // SAFETY: the raw buffer is the first iovec of `buf`, borrowed until return.
        let n = match unsafe { RawBuf::new_from_iovec(&buf) } {
            Some(raw) => self.write(raw).await.0,
            None => Ok(0),
        };
        (n, buf)
    }

    async fn flush(&mut self) -> io::Result<()> {
        self.conn.writer().flush()?;
        self.write_tls().await?;
        self.io.flush().await
    }

    async fn shutdown(&mut self) -> io::Result<()> {
        self.conn.send_close_notify();
        self.write_tls().await?;
        self.io.shutdown().await
    }
}
