//! A small thread pool for synchronous handlers, so they never block an I/O worker.

use std::future::Future;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crossbeam_channel::{bounded, Sender, TrySendError};
use futures_channel::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// Why a job did not run to completion.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// Every thread is busy and the queue is full.
    #[error("all {threads} blocking threads are busy and {queue} jobs are queued")]
    Busy {
        /// Threads in the pool.
        threads: usize,
        /// Queue capacity.
        queue: usize,
    },
    /// The job panicked in gateway code or the pool shut down.
    #[error("the blocking job was lost (pool shut down or job panicked)")]
    Lost,
}

/// A fixed set of threads fed by a bounded queue (backpressure instead of unbounded growth).
#[derive(Debug)]
pub struct BlockingPool {
    tx: Sender<Job>,
    threads: usize,
    queue: usize,
}

impl BlockingPool {
    /// Starts `threads` threads named `reg-blocking-N` sharing a queue of `queue` jobs.
    pub fn new(threads: usize, queue: usize) -> io::Result<Self> {
        let threads = threads.max(1);
        let (tx, rx) = bounded::<Job>(queue);
        for n in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("reg-blocking-{n}"))
                .spawn(move || {
                    crate::crash_record::ensure_altstack();
                    while let Ok(job) = rx.recv() {
                        job();
                    }
                })?;
        }
        Ok(BlockingPool { tx, threads, queue })
    }

    /// Runs `f` on a pool thread; the returned future resolves with its result on the
    /// caller's runtime (the wake comes from the pool thread).
    pub fn run<T, F>(&self, f: F) -> impl Future<Output = Result<T, PoolError>> + use<T, F>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (reply, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            if let Ok(v) = catch_unwind(AssertUnwindSafe(f)) {
                let _ = reply.send(v);
            }
        });
        let queued = match self.tx.try_send(job) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => Err(PoolError::Busy {
                threads: self.threads,
                queue: self.queue,
            }),
            Err(TrySendError::Disconnected(_)) => Err(PoolError::Lost),
        };
        async move {
            queued?;
            rx.await.map_err(|_| PoolError::Lost)
        }
    }
}
